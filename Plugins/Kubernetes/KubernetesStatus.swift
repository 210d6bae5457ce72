import WardenHTTPCore
import WardenJSONMask

/// Warden's own answers as the API server words its errors: a `Status`
/// object (`k8s.io/apimachinery/pkg/apis/meta/v1.Status`) whose `reason`
/// kubectl prints in parentheses and whose `message` it prints after it,
/// as in `Error from server (Forbidden): …`.
enum KubernetesStatus {
    static func response(code: Int, message: String, close: Bool, headers extra: [(String, String)]) -> [UInt8] {
        let body = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":\(jsonStringLiteral(message)),\
            "reason":"\(reason(code))","code":\(code)}
            """
        return GatewayResponse.json(status: code, contentType: "application/json", body: body, close: close, headers: extra)
    }

    /// `metav1.StatusReason` for a status code, as the API server picks them.
    static func reason(_ code: Int) -> String {
        switch code {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 413: "RequestEntityTooLarge"
        case 415: "UnsupportedMediaType"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}
