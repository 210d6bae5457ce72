/*
 * warden_plugin.h — the Warden plugin ABI, version 1.3.
 *
 * This header is the whole contract between the Warden host and a plugin.
 * A plugin is a shared object that exports one symbol, `warden_plugin_entry`,
 * returning a pointer to a static `warden_plugin` descriptor.
 *
 * Rules that keep this ABI stable (see plugin-sdk/README.md):
 *  - Only C types cross the boundary: fixed-width integers, pointer+length
 *    byte slices, opaque handles and function pointers.
 *  - Every struct passed either way starts with `uint32_t size` (its sizeof as
 *    the writer compiled it). Structs only grow at the end; a reader checks
 *    `size` before it touches a field added in a later minor version.
 *  - Bytes handed into a call are borrowed until that call returns. Whoever
 *    allocates frees: the host copies whatever a plugin hands it, and the
 *    plugin copies whatever it wants to keep.
 *  - Every host call returns a warden_status; an unknown status or flow value
 *    is treated as failure (fail closed), never as "continue".
 *
 * Minor versions add fields at the end of structs and functions at the end of
 * tables. A new major version may change anything.
 */
#ifndef WARDEN_PLUGIN_H
#define WARDEN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WARDEN_ABI_MAJOR 1
#define WARDEN_ABI_MINOR 6

/* The name of the one symbol every plugin exports. */
#define WARDEN_PLUGIN_ENTRY_SYMBOL "warden_plugin_entry"

/* ------------------------------------------------------------------------ */
/* Basic types                                                               */
/* ------------------------------------------------------------------------ */

/* A borrowed byte slice: valid only for the duration of the call it is
 * passed in. Text is UTF-8 and NOT NUL-terminated. */
typedef struct warden_bytes {
    const uint8_t *data;
    size_t length;
} warden_bytes;

/* A borrowed key/value pair of UTF-8 slices. */
typedef struct warden_pair {
    warden_bytes key;
    warden_bytes value;
} warden_pair;

/* Result of every host call, and of plugin lifecycle calls. */
typedef enum warden_status {
    WARDEN_OK = 0,
    WARDEN_NOT_FOUND = 1,     /* no such session (closed, or a stale generation) */
    WARDEN_BAD_ARGUMENT = 2,  /* a malformed argument; nothing was done */
    WARDEN_UNSUPPORTED = 3,   /* the host or plugin does not offer this */
    WARDEN_DENIED = 4,        /* refused by identity or policy */
    WARDEN_UNAVAILABLE = 5,   /* a dependency (upstream, identity provider) failed */
    WARDEN_INTERNAL = 6       /* a bug; the session is closed */
} warden_status;

/* What a data callback tells the host to do next with that side. */
typedef enum warden_flow {
    WARDEN_FLOW_CONTINUE = 0, /* keep reading */
    WARDEN_FLOW_PAUSE = 1,    /* stop delivering this side's bytes until resume() */
    WARDEN_FLOW_CLOSE = 2     /* close the session (after flushing pending writes) */
} warden_flow;

/* The two sides of a session. */
typedef enum warden_side {
    WARDEN_SIDE_CLIENT = 0,
    WARDEN_SIDE_UPSTREAM = 1
} warden_side;

/* v1.3 — why the host turns a client away before any session exists. */
typedef enum warden_refusal {
    WARDEN_REFUSAL_TOO_MANY_CONNECTIONS = 1  /* the host's limit on open client connections */
} warden_refusal;

/* Receives bytes a plugin hands the host; they are borrowed for the duration
 * of the callback (the host copies them). */
typedef void (*warden_bytes_sink)(void *context, warden_bytes bytes);

typedef enum warden_plugin_kind {
    WARDEN_PLUGIN_PROTOCOL = 1,
    WARDEN_PLUGIN_MASKER = 2
} warden_plugin_kind;

typedef enum warden_log_level {
    WARDEN_LOG_DEBUG = 0,
    WARDEN_LOG_INFO = 1,
    WARDEN_LOG_WARNING = 2,
    WARDEN_LOG_ERROR = 3
} warden_log_level;

/* A session handle. The host never reuses one within a process, so a handle
 * carries its own generation: a call or completion that names a closed
 * session gets WARDEN_NOT_FOUND, never another session and never a crash.
 * Plugins treat it as opaque. */
typedef uint64_t warden_session;

/* Identifies one asynchronous request; chosen by the plugin, echoed back in
 * the completion so the plugin can match it. */
typedef uint64_t warden_request_id;

/* ------------------------------------------------------------------------ */
/* Manifest                                                                  */
/* ------------------------------------------------------------------------ */

/* Capability bits a plugin declares. */
#define WARDEN_CAP_CLIENT_TLS_UPGRADE   (UINT64_C(1) << 0) /* asks for a mid-stream client TLS upgrade */
#define WARDEN_CAP_UPSTREAM_TLS_UPGRADE (UINT64_C(1) << 1) /* asks for a mid-stream upstream TLS upgrade */
#define WARDEN_CAP_MASKING              (UINT64_C(1) << 2) /* calls mask() on results */
#define WARDEN_CAP_CANCEL_FORWARDING    (UINT64_C(1) << 3) /* opens side connections for cancellation */
#define WARDEN_CAP_APPROVAL_NOTICES     (UINT64_C(1) << 4) /* v1.1: wants DECISION_PENDING completions */
#define WARDEN_CAP_UPSTREAM_RECONNECT   (UINT64_C(1) << 5) /* v1.5: the session outlives an upstream connection */

/* Read by the host before it runs anything else of the plugin. */
typedef struct warden_manifest {
    uint32_t size;
    uint16_t abi_major;            /* must equal the host's WARDEN_ABI_MAJOR */
    uint16_t abi_minor;            /* must not be newer than the host's */
    uint32_t kind;                 /* warden_plugin_kind */
    uint32_t reserved;
    warden_bytes name;             /* unique, e.g. "postgres"; listeners name it */
    warden_bytes version;          /* the plugin's own version, e.g. "1.0.0" */
    warden_bytes swift_compiler;   /* the toolchain it was built with; must match the host exactly */
    warden_bytes description;
    uint64_t capabilities;         /* WARDEN_CAP_* bits */
} warden_manifest;

/* The toolchain identity compiled into whoever includes this header. Host and
 * plugin compare these strings: Swift has no stable ABI on Linux and both
 * share one runtime in the process. */
static inline const char *warden_toolchain_identity(void) {
#ifdef __clang_version__
    return __clang_version__;
#else
    return "unknown";
#endif
}

/* ------------------------------------------------------------------------ */
/* Structures exchanged with protocol plugins                                */
/* ------------------------------------------------------------------------ */

/* Facts about a new session, given to session_open. */
typedef struct warden_session_info {
    uint32_t size;
    uint32_t client_tls_available;   /* 1 if the listener can upgrade the client to TLS */
    uint32_t client_tls_active;      /* 1 if the client connected over TLS from the first byte */
    uint32_t reserved;
    warden_bytes listener;           /* the listener's name */
    warden_bytes client_address;     /* "ip:port" */
    /* v1.1: how many bytes of each statement's result the plugin should
     * report in record_result for replay; 0 = none. Counted as value bytes,
     * a NULL or empty value as one; whole rows only. Read only when size
     * covers it (a 1.0 host does not send it: capture nothing). */
    uint64_t result_capture_bytes;
    /* v1.4: the listener's `options` from the configuration, for the plugin
     * to read as it documents (HTTP: token_header, token_cookie). Read only
     * when size covers them. */
    const warden_pair *options;
    size_t option_count;
} warden_session_info;

/* Kinds of credential a client presents. */
typedef enum warden_credential_kind {
    WARDEN_CREDENTIAL_BEARER_TOKEN = 1   /* an OIDC access or id token */
} warden_credential_kind;

typedef struct warden_credential {
    uint32_t size;
    uint32_t kind;                  /* warden_credential_kind */
    warden_bytes secret;            /* the token; the host never logs it */
    warden_bytes connection;        /* the connection the client asks for (database name, host, ...) */
    warden_bytes client_user;       /* the user name the client gave, for the record only */
} warden_credential;

/* Classification of an action, shared by every protocol. */
typedef enum warden_action_class {
    WARDEN_CLASS_UNKNOWN = 0,
    WARDEN_CLASS_READ = 1,
    WARDEN_CLASS_WRITE = 2,
    WARDEN_CLASS_DDL = 3,
    WARDEN_CLASS_DCL = 4,
    WARDEN_CLASS_ADMIN = 5,
    WARDEN_CLASS_TRANSACTION = 6,
    WARDEN_CLASS_DELETE = 7,          /* v1.4: HTTP DELETE, a Kubernetes delete */
    WARDEN_CLASS_EXEC = 8             /* v1.4: a Kubernetes exec, attach or port-forward */
} warden_action_class;

typedef enum warden_risk {
    WARDEN_RISK_UNSET = 0,           /* let the host derive it from the class */
    WARDEN_RISK_LOW = 1,
    WARDEN_RISK_MEDIUM = 2,
    WARDEN_RISK_HIGH = 3,
    WARDEN_RISK_CRITICAL = 4
} warden_risk;

/* Kinds of action. */
typedef enum warden_action_kind {
    WARDEN_ACTION_STATEMENT = 1,      /* a SQL statement (or several in one message) */
    WARDEN_ACTION_HTTP_REQUEST = 2,   /* method + path */
    WARDEN_ACTION_KUBERNETES = 3      /* verb on a resource in a namespace */
} warden_action_kind;

/* One action the client wants to perform; the host decides on it. */
typedef struct warden_action {
    uint32_t size;
    uint32_t kind;                  /* warden_action_kind */
    uint32_t classification;        /* warden_action_class */
    uint32_t risk;                  /* warden_risk */
    warden_bytes text;              /* normalized text: SQL, "GET /path", "delete pods" */
    const warden_bytes *targets;    /* tables, paths, resources; borrowed */
    size_t target_count;
    /* Protocol-specific extras. Reserved keys, so that policy rules read the
     * same across plugins: "method" and "path" (HTTP); "verb", "resource",
     * "subresource", "namespace" and "name" (Kubernetes); "database" and
     * "role" (SQL). Any protocol: "normalized" (the text rules' patterns
     * match), "reason" (why this class and risk, shown to approvers),
     * "command" (the command words; an approval's time window covers the
     * same command only) and "prepared" = "1" (an execution of a statement
     * the host allowed when it was prepared: recorded, never held again). */
    const warden_pair *attributes;
    size_t attribute_count;
} warden_action;

/* v1.1: one cell of a captured result table. */
typedef struct warden_cell {
    uint32_t is_null;               /* 1 for SQL NULL; value is then empty */
    uint32_t reserved;
    warden_bytes value;             /* the value as text, as the client received it */
} warden_cell;

/* How an action ended, reported with record_result(). */
typedef struct warden_action_result {
    uint32_t size;
    uint32_t failed;                /* 1 if the upstream answered with an error */
    uint64_t action_id;             /* from the decision completion */
    uint64_t rows;                  /* rows or documents returned or affected */
    uint64_t bytes;                 /* bytes returned to the client */
    warden_bytes summary;           /* e.g. command tags "SELECT 3", or "200 OK" */
    warden_bytes error_code;        /* e.g. SQLSTATE, HTTP status */
    warden_bytes error_message;
    /* v1.1: the result as the client received it, for replay, up to the
     * session's result_capture_bytes; no columns = no table. All borrowed
     * for the call. The host reads these only when size covers them. */
    const warden_bytes *columns;
    size_t column_count;
    const warden_cell *cells;       /* row-major: column_count cells per row */
    size_t cell_count;
    uint32_t truncated;             /* 1 if the client received more than the table holds */
    uint32_t reserved2;
} warden_action_result;

/* A field offered for masking: a value with what is known of its origin. */
typedef struct warden_field {
    uint32_t size;
    uint32_t is_null;
    warden_bytes name;              /* the result field's name as the client sees it */
    warden_bytes source;            /* "table.column" when known, else empty */
    warden_bytes type_name;         /* e.g. "text", "int4", "application/json" */
    warden_bytes value;             /* the value as text */
} warden_field;

/* Receives a masked replacement for field `index` of a batch; the bytes are
 * borrowed for the duration of this callback. */
typedef void (*warden_mask_sink)(void *context, size_t index, warden_bytes masked_value);

/* ------------------------------------------------------------------------ */
/* Completions: the results of asynchronous host requests                    */
/* ------------------------------------------------------------------------ */

typedef enum warden_completion_kind {
    WARDEN_COMPLETION_TLS = 1,           /* start_tls finished */
    WARDEN_COMPLETION_AUTHENTICATE = 2,  /* authenticate finished: identity or refusal */
    WARDEN_COMPLETION_UPSTREAM = 3,      /* open_upstream finished: credentials or failure */
    WARDEN_COMPLETION_DECISION = 4,      /* decide finished: allow or deny */
    WARDEN_COMPLETION_DECISION_PENDING = 5, /* v1.1: decide waits for a human; not final */
    WARDEN_COMPLETION_WAKE = 6,          /* v1.4: the plugin asked for it with wake() */
    WARDEN_COMPLETION_UPSTREAM_CLOSED = 7 /* v1.5: the upstream connection closed; the client's stays */
} warden_completion_kind;

typedef enum warden_verdict {
    WARDEN_VERDICT_DENY = 0,          /* zero is deny: a zeroed struct never allows */
    WARDEN_VERDICT_ALLOW = 1
} warden_verdict;

/* Delivered to the plugin's on_completion. Every field is borrowed for the
 * duration of the call. Which fields are set depends on `kind`:
 *  TLS:          status, side, message on failure.
 *  AUTHENTICATE: status (OK or DENIED), subject, groups, message = reason.
 *                v1.4: status BAD_ARGUMENT when the credential itself was
 *                refused (missing, invalid, expired), DENIED when its valid
 *                identity may not use the connection.
 *  UPSTREAM:     status, values = the gateway-held credentials and settings
 *                the plugin needs to speak upstream auth ("user", "password",
 *                "database", "tls" = disable|prefer|require|verify-full, ...),
 *                message on failure.
 *  DECISION:     status, verdict, action_id, message = reason shown to the
 *                client on deny, approval_id when a human approved it.
 *                v1.3: status UNAVAILABLE (verdict DENY) means the host could
 *                not decide because something it needs is unavailable (the
 *                audit store cannot record the action): the action did not
 *                run and may succeed if retried later. A protocol with a
 *                "try again" error should use it (PostgreSQL: SQLSTATE 58030
 *                rather than 42501). Plugins built for 1.2 and earlier see a
 *                plain denial.
 *  DECISION_PENDING (v1.1, only to plugins declaring
 *                WARDEN_CAP_APPROVAL_NOTICES): the decide request with this
 *                request_id waits for a human; approval_id, message = text
 *                for the client saying how to get it approved. The DECISION
 *                completion for the same request_id follows later.
 *  UPSTREAM_CLOSED (v1.5, only to plugins declaring
 *                WARDEN_CAP_UPSTREAM_RECONNECT): the upstream connection
 *                closed (EOF or error) while the client's is open; request_id
 *                is 0, message = the error that closed it (empty for EOF). It comes instead of on_closed(UPSTREAM), and the
 *                session goes on: the plugin finishes what the close ended
 *                and may call open_upstream again (then start_tls on the new
 *                connection). Return WARDEN_FLOW_CLOSE to end the session. */
typedef struct warden_completion {
    uint32_t size;
    uint32_t kind;                   /* warden_completion_kind */
    warden_request_id request_id;
    uint32_t status;                 /* warden_status */
    uint32_t side;                   /* warden_side, for TLS */
    uint32_t verdict;                /* warden_verdict, for DECISION */
    uint32_t reserved;
    uint64_t action_id;              /* for DECISION: pass back in warden_action_result */
    warden_bytes message;
    warden_bytes subject;
    const warden_bytes *groups;
    size_t group_count;
    const warden_pair *values;
    size_t value_count;
    warden_bytes approval_id;
} warden_completion;

/* v1.3: why the host ends a session on its own; see on_ending. A plugin
 * treats a value it does not know like WARDEN_ENDING_OTHER. */
typedef enum warden_ending_reason {
    WARDEN_ENDING_OTHER = 0,          /* any other reason; message says which */
    WARDEN_ENDING_TOKEN_EXPIRED = 1,  /* the client's sign-in token expired: it must sign in again */
    WARDEN_ENDING_SESSION_LIMIT = 2   /* the session reached its maximum length (max_session) */
} warden_ending_reason;

/* v1.3: given to on_ending. Borrowed for the duration of the call. */
typedef struct warden_ending {
    uint32_t size;
    uint32_t reason;                 /* warden_ending_reason */
    warden_bytes message;            /* for the client, e.g. "the sign-in token expired at …" */
} warden_ending;

/* ------------------------------------------------------------------------ */
/* The host API: a table of functions the host passes to the plugin at init  */
/* ------------------------------------------------------------------------ */

typedef struct warden_host_api {
    uint32_t size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* v1.0 — callable from any thread. */
    void (*log)(uint32_t level, warden_bytes message);

    /* v1.0 — session calls: only from within a callback for that session
     * (they all run serially on the session's event loop). */

    /* Queue bytes to one side; the host copies them and flushes when the
     * current callback returns. */
    warden_status (*write)(warden_session session, uint32_t side, warden_bytes bytes);

    /* Upgrade one side to TLS now. Bytes already written are sent in clear
     * first. Completes with WARDEN_COMPLETION_TLS. */
    warden_status (*start_tls)(warden_session session, uint32_t side, warden_request_id request);

    /* Validate a client credential for a connection. Completes with
     * WARDEN_COMPLETION_AUTHENTICATE. */
    warden_status (*authenticate)(warden_session session, const warden_credential *credential,
                                  warden_request_id request);

    /* Open the upstream transport of a connection the client is authorized
     * for. Completes with WARDEN_COMPLETION_UPSTREAM carrying the credentials
     * the plugin needs to speak the upstream's own authentication. */
    warden_status (*open_upstream)(warden_session session, warden_bytes connection,
                                   warden_request_id request);

    /* Ask for a policy decision. May wait for a human approval. Completes
     * with WARDEN_COMPLETION_DECISION. */
    warden_status (*decide)(warden_session session, const warden_action *action,
                            warden_request_id request);

    /* Report how an allowed action ended, for the record. */
    warden_status (*record_result)(warden_session session, const warden_action_result *result);

    /* Mask a batch of fields (one row or one document) synchronously. The host
     * calls `sink` once for each field whose value changes. */
    warden_status (*mask)(warden_session session, const warden_field *fields, size_t field_count,
                          warden_mask_sink sink, void *sink_context);

    /* Resume delivery of a side paused with WARDEN_FLOW_PAUSE, or pause it. */
    warden_status (*set_paused)(warden_session session, uint32_t side, uint32_t paused);

    /* Close the session after pending writes are flushed. */
    warden_status (*close)(warden_session session);

    /* Open a side connection to the upstream of the named connection that is
     * not authenticated (for out-of-band messages such as PostgreSQL's
     * CancelRequest), send `bytes`, and close it. */
    warden_status (*send_out_of_band)(warden_bytes connection, warden_bytes bytes);

    /* Log a line about one session: the host adds the session's id, client
     * address and identity, so operators can follow one session's story. */
    warden_status (*session_log)(warden_session session, uint32_t level, warden_bytes message);

    /* v1.2 — callable from any thread. The client of `session` asked to
     * cancel (PostgreSQL's CancelRequest arrives on another connection): if
     * that session has an action held for a human approval, the approval is
     * withdrawn and the pending decide completes with DENY and a message
     * built from `reason`. Does nothing when nothing is held. NOT_FOUND when
     * the session has ended. */
    warden_status (*cancel_held)(warden_session session, warden_bytes reason);

    /* v1.4 — callable from any thread. Delivers WARDEN_COMPLETION_WAKE with
     * `request` (status OK, nothing else set) to `session` on its event loop,
     * after the callback running there now, if any, has returned. For work
     * too long for an event loop, which every session on it would wait for
     * (PostgreSQL: parsing a 500 KB statement): the plugin runs it on a
     * thread of its own, then calls wake to come back to the session with
     * the result. NOT_FOUND, and no completion, when the session has ended;
     * a wake for a session that ends before it is delivered is dropped. */
    warden_status (*wake)(warden_session session, warden_request_id request);

    /* v1.5 — in a callback, for a plugin that declares
     * WARDEN_CAP_UPSTREAM_RECONNECT. Closes the upstream connection once
     * what was written to it is flushed (an HTTP upstream said
     * `Connection: close`); the client's stays, and the plugin gets
     * UPSTREAM_CLOSED as for any upstream close. UNSUPPORTED without the
     * capability, NOT_FOUND when no upstream is open. */
    warden_status (*close_upstream)(warden_session session);

    /* v1.6 — as start_tls, for a protocol whose client starts its TLS
     * handshake without waiting for an answer (MySQL: the ClientHello
     * follows the SSLRequest at once, often in the same read). `received`
     * holds the bytes the plugin was given after its request for TLS; the
     * host feeds them to the TLS handshake before anything read later. */
    warden_status (*start_tls_replaying)(warden_session session, uint32_t side, warden_request_id request,
                                         warden_bytes received);
} warden_host_api;

/* ------------------------------------------------------------------------ */
/* Plugin tables                                                             */
/* ------------------------------------------------------------------------ */

/* Hooks of a protocol plugin. `plugin` is the pointer init returned;
 * `state` is the pointer session_open stored. All hooks for one session run
 * serially on its event loop; plugin-wide state must be thread-safe. */
typedef struct warden_protocol_hooks {
    uint32_t size;
    uint32_t reserved;

    /* A client connected. Store per-session state in *state. A status other
     * than OK closes the connection. */
    warden_status (*session_open)(void *plugin, warden_session session,
                                  const warden_session_info *info, void **state);

    /* Bytes from one side. */
    warden_flow (*on_data)(void *state, uint32_t side, warden_bytes bytes);

    /* An asynchronous host request finished. A returned PAUSE pauses the
     * client side; prefer set_paused(), which names the side. */
    warden_flow (*on_completion)(void *state, const warden_completion *completion);

    /* One side closed (EOF or error). The session is closed after this.
     * v1.5: not called for the upstream of a plugin that declares
     * WARDEN_CAP_UPSTREAM_RECONNECT while the client is connected; it gets
     * a WARDEN_COMPLETION_UPSTREAM_CLOSED instead. */
    void (*on_closed)(void *state, uint32_t side);

    /* The session is gone: free *state. No call for it follows. */
    void (*session_close)(void *state);

    /* v1.3, optional (NULL, or absent from an older plugin's smaller table).
     * The host is ending the session for a reason of its own (`ending`): the
     * client's token expired, or the session reached its maximum length. The
     * plugin may write a final protocol-native error to the client (and a
     * goodbye to the upstream) and record_result what it must. Afterwards,
     * whatever the plugin did, the host flushes and closes both sides;
     * on_closed is not called, session_close is. Without this hook the host
     * just closes the connections. */
    void (*on_ending)(void *state, const warden_ending *ending);

    /* v1.3 — optional (NULL, or absent from an older plugin's table: the
     * host closes the connection without a word). The host turns a client
     * away before any session exists (`reason`, a warden_refusal; treat an
     * unknown one like any other refusal) and asks what to send it first:
     * call `sink` at most once with the protocol's own error for the client
     * (PostgreSQL: an ErrorResponse, SQLSTATE 53300 for too many
     * connections), built from `message`, which is UTF-8 for a person.
     * Called right after accept, before any byte is read, on any thread: use
     * plugin-wide state only, and keep it cheap (it runs under attack). */
    void (*refuse_client)(void *plugin, uint32_t reason, warden_bytes message,
                          warden_bytes_sink sink, void *sink_context);
} warden_protocol_hooks;

/* Hooks of a masker plugin. */
typedef struct warden_masker_hooks {
    uint32_t size;
    uint32_t reserved;

    /* Create a configured masker instance; options are borrowed. On error,
     * write a reason to *error (borrowed static text or NULL). */
    warden_status (*create)(void *plugin, warden_bytes masker_name,
                            const warden_pair *options, size_t option_count,
                            void **instance, warden_bytes *error);

    /* Mask one batch (a row or a document); call sink for each changed field.
     * Must be thread-safe: several sessions may share an instance. */
    warden_status (*mask)(void *instance, const warden_field *fields, size_t field_count,
                          warden_mask_sink sink, void *sink_context);

    void (*destroy)(void *instance);
} warden_masker_hooks;

/* What init gives back. */
typedef struct warden_plugin_instance {
    uint32_t size;
    uint32_t reserved;
    void *plugin;                            /* opaque plugin-wide state */
    const warden_protocol_hooks *protocol;   /* set for WARDEN_PLUGIN_PROTOCOL */
    const warden_masker_hooks *masker;       /* set for WARDEN_PLUGIN_MASKER */
} warden_plugin_instance;

/* The descriptor `warden_plugin_entry` returns. */
typedef struct warden_plugin {
    uint32_t size;
    uint32_t reserved;
    const warden_manifest *manifest;
    /* Called once, after the manifest checks passed. `host` lives as long as
     * the process. Fill *instance; `error` receives a reason on failure. */
    warden_status (*init)(const warden_host_api *host, warden_plugin_instance *instance,
                          warden_bytes *error);
} warden_plugin;

typedef const warden_plugin *(*warden_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* WARDEN_PLUGIN_H */
