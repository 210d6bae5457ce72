/*
 * A deliberately configurable plugin written in plain C, built by the test
 * suite with `cc -shared`. Each refusal test compiles it with different
 * macros: a wrong ABI major, a newer ABI minor, another toolchain, a failing
 * init, a hooks table of an older minor's size. It also proves that the ABI header is plain C.
 */
#include <string.h>
#include "warden_plugin.h"

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "c-test"
#endif
#ifndef PLUGIN_ABI_MAJOR
#define PLUGIN_ABI_MAJOR WARDEN_ABI_MAJOR
#endif
#ifndef PLUGIN_ABI_MINOR
#define PLUGIN_ABI_MINOR WARDEN_ABI_MINOR
#endif
#ifndef PLUGIN_TOOLCHAIN
#define PLUGIN_TOOLCHAIN "unset"
#endif

/* The size the hooks table claims: an older minor's table is shorter. */
#ifndef PLUGIN_HOOKS_SIZE
#define PLUGIN_HOOKS_SIZE sizeof(warden_protocol_hooks)
#endif

#define BYTES(text) { (const uint8_t *)(text), sizeof(text) - 1 }

static const warden_manifest manifest = {
    .size = sizeof(warden_manifest),
    .abi_major = PLUGIN_ABI_MAJOR,
    .abi_minor = PLUGIN_ABI_MINOR,
    .kind = WARDEN_PLUGIN_PROTOCOL,
    .name = BYTES(PLUGIN_NAME),
    .version = BYTES("0.0.1"),
    .swift_compiler = BYTES(PLUGIN_TOOLCHAIN),
    .description = BYTES("a C plugin built by the test suite"),
    .capabilities = 0,
};

static warden_status session_open(void *plugin, warden_session session, const warden_session_info *info, void **state) {
    (void)plugin; (void)session; (void)info;
    *state = (void *)1;
    return WARDEN_OK;
}
static warden_flow on_data(void *state, uint32_t side, warden_bytes bytes) {
    (void)state; (void)side; (void)bytes;
    return WARDEN_FLOW_CLOSE;
}
static warden_flow on_completion(void *state, const warden_completion *completion) {
    (void)state; (void)completion;
    return WARDEN_FLOW_CLOSE;
}
static void on_closed(void *state, uint32_t side) { (void)state; (void)side; }
static void session_close(void *state) { (void)state; }

static const warden_protocol_hooks hooks = {
    .size = PLUGIN_HOOKS_SIZE,
    .session_open = session_open,
    .on_data = on_data,
    .on_completion = on_completion,
    .on_closed = on_closed,
    .session_close = session_close,
};

static warden_status init(const warden_host_api *host, warden_plugin_instance *instance, warden_bytes *error) {
    (void)host;
#ifdef PLUGIN_INIT_FAILS
    (void)instance;
    (void)hooks;
    static const char reason[] = "the test plugin was told to fail";
    error->data = (const uint8_t *)reason;
    error->length = sizeof(reason) - 1;
    return WARDEN_INTERNAL;
#else
    (void)error;
    instance->plugin = NULL;
    instance->protocol = &hooks;
    return WARDEN_OK;
#endif
}

static const warden_plugin descriptor = {
    .size = sizeof(warden_plugin),
    .manifest = &manifest,
    .init = init,
};

const warden_plugin *warden_plugin_entry(void) { return &descriptor; }
