import WardenPII
import WardenPluginSDK

/// The one symbol the host looks up in `libWardenPII.so`.
@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer { exportPlugin(PIIPlugin.self) }
