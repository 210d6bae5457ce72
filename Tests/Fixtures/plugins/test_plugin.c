/*
 * A deliberately configurable plugin written in plain C, built by the test
 * suite with `cc -shared`. Each refusal test compiles it with different
 * macros: a wrong ABI major, a newer ABI minor, another toolchain, a failing
 * init, a hooks table of an older minor's size (PLUGIN_HOOKS_SIZE). It also
 * proves that the ABI header is plain C.
 *
 * PLUGIN_HOOKS_1_2 gives the hooks table the size it had in ABI 1.2 (before
 * on_ending), as a plugin built against that header would. PLUGIN_LINE_AUTH
 * makes it a tiny protocol: the client's first line is a token for the
 * connection "lines"; the plugin answers "OK" or "DENIED <reason>".
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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
#ifdef PLUGIN_HOOKS_1_2
#define PLUGIN_HOOKS_SIZE offsetof(warden_protocol_hooks, on_ending)
#else
#define PLUGIN_HOOKS_SIZE sizeof(warden_protocol_hooks)
#endif
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

static const warden_host_api *host_api;

#ifdef PLUGIN_LINE_AUTH
/* Line protocol: the first line is a token, and signs in ("OK" or
 * "DENIED" and close). Every later line is another token for the same
 * session: "RENEWED <subject>" or "DENIED <reason>", and the session goes on. */
typedef struct line_session {
    warden_session session;
    int signed_in;
    warden_request_id next_request;
} line_session;

static warden_status session_open(void *plugin, warden_session session, const warden_session_info *info, void **state) {
    (void)plugin; (void)info;
    line_session *line = calloc(1, sizeof(line_session));
    if (!line) return WARDEN_INTERNAL;
    line->session = session;
    *state = line;
    return WARDEN_OK;
}
static void ignore_masked(void *context, size_t index, warden_bytes value) { (void)context; (void)index; (void)value; }

static warden_flow on_data(void *state, uint32_t side, warden_bytes bytes) {
    line_session *line = state;
    if (side != WARDEN_SIDE_CLIENT) return WARDEN_FLOW_CONTINUE;
    size_t length = bytes.length;
    while (length > 0 && (bytes.data[length - 1] == '\n' || bytes.data[length - 1] == '\r')) length--;
    warden_credential credential = {
        .size = sizeof(warden_credential),
        .kind = WARDEN_CREDENTIAL_BEARER_TOKEN,
        .secret = { bytes.data, length },
        .connection = BYTES("lines"),
        .client_user = BYTES("c"),
    };
    /* Calls a plugin may make only with a capability this one lacks. */
    if (line->signed_in && length >= 4 && memcmp(bytes.data, "MASK", 4) == 0) {
        warden_field field = { .size = sizeof(warden_field), .name = BYTES("email"), .value = BYTES("a@b.example") };
        warden_status status = host_api->mask(line->session, &field, 1, ignore_masked, NULL);
        char answer[32];
        int written = snprintf(answer, sizeof answer, "MASK %u\n", (unsigned)status);
        host_api->write(line->session, WARDEN_SIDE_CLIENT, (warden_bytes){ (const uint8_t *)answer, (size_t)written });
        return WARDEN_FLOW_CONTINUE;
    }
    /* wake() on this session, or on the session opened just before it
     * (another plugin's, in the test): only its own may be woken. */
    if (line->signed_in && length >= 4 && memcmp(bytes.data, "WAKE", 4) == 0) {
        int previous = length >= 8 && memcmp(bytes.data, "WAKEPREV", 8) == 0;
        warden_status status = host_api->wake(previous ? line->session - 1 : line->session, 99);
        char answer[32];
        int written = snprintf(answer, sizeof answer, "%s %u\n", previous ? "WAKEPREV" : "WAKE", (unsigned)status);
        host_api->write(line->session, WARDEN_SIDE_CLIENT, (warden_bytes){ (const uint8_t *)answer, (size_t)written });
        return WARDEN_FLOW_CONTINUE;
    }
    /* A write to the session opened just before this one (another plugin's). */
    if (line->signed_in && length >= 9 && memcmp(bytes.data, "WRITEPREV", 9) == 0) {
        warden_bytes intruder = BYTES("intruder\n");
        warden_status status = host_api->write(line->session - 1, WARDEN_SIDE_CLIENT, intruder);
        char answer[32];
        int written = snprintf(answer, sizeof answer, "WRITEPREV %u\n", (unsigned)status);
        host_api->write(line->session, WARDEN_SIDE_CLIENT, (warden_bytes){ (const uint8_t *)answer, (size_t)written });
        return WARDEN_FLOW_CONTINUE;
    }
    if (line->signed_in && length >= 6 && memcmp(bytes.data, "CANCEL", 6) == 0) {
        warden_bytes connection = BYTES("orders"), payload = BYTES("x");
        warden_status status = host_api->send_out_of_band(connection, payload);
        char answer[32];
        int written = snprintf(answer, sizeof answer, "CANCEL %u\n", (unsigned)status);
        host_api->write(line->session, WARDEN_SIDE_CLIENT, (warden_bytes){ (const uint8_t *)answer, (size_t)written });
        return WARDEN_FLOW_CONTINUE;
    }
    line->next_request += 1;
    if (host_api->authenticate(line->session, &credential, line->next_request) != WARDEN_OK) {
        if (!line->signed_in) return WARDEN_FLOW_CLOSE;
        warden_bytes refused = BYTES("REFUSED AT ONCE\n");
        host_api->write(line->session, WARDEN_SIDE_CLIENT, refused);
        return WARDEN_FLOW_CONTINUE;
    }
    return WARDEN_FLOW_PAUSE;
}
static warden_flow on_completion(void *state, const warden_completion *completion) {
    line_session *line = state;
#if WARDEN_ABI_MINOR >= 4
    if (completion->kind == WARDEN_COMPLETION_WAKE) {
        char answer[32];
        int written = snprintf(answer, sizeof answer, "WOKEN %llu\n", (unsigned long long)completion->request_id);
        host_api->write(line->session, WARDEN_SIDE_CLIENT, (warden_bytes){ (const uint8_t *)answer, (size_t)written });
        return WARDEN_FLOW_CONTINUE;
    }
#endif
    if (completion->kind != WARDEN_COMPLETION_AUTHENTICATE) return WARDEN_FLOW_CLOSE;
    if (line->signed_in) {
        int ok = completion->status == WARDEN_OK;
        warden_bytes renewed = BYTES("RENEWED "), denied = BYTES("DENIED ");
        warden_bytes word = ok ? renewed : denied;
        host_api->write(line->session, WARDEN_SIDE_CLIENT, word);
        host_api->write(line->session, WARDEN_SIDE_CLIENT, ok ? completion->subject : completion->message);
        warden_bytes newline = BYTES("\n");
        host_api->write(line->session, WARDEN_SIDE_CLIENT, newline);
        host_api->set_paused(line->session, WARDEN_SIDE_CLIENT, 0);
        return WARDEN_FLOW_CONTINUE;
    }
    if (completion->status != WARDEN_OK) {
        warden_bytes denied = BYTES("DENIED\n");
        host_api->write(line->session, WARDEN_SIDE_CLIENT, denied);
        return WARDEN_FLOW_CLOSE;
    }
    line->signed_in = 1;
    warden_bytes ok = BYTES("OK\n");
    host_api->write(line->session, WARDEN_SIDE_CLIENT, ok);
    host_api->set_paused(line->session, WARDEN_SIDE_CLIENT, 0);
    return WARDEN_FLOW_CONTINUE;
}
static void on_closed(void *state, uint32_t side) { (void)state; (void)side; }
static void session_close(void *state) { free(state); }
#else
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
#endif

static const warden_protocol_hooks hooks = {
    .size = PLUGIN_HOOKS_SIZE,
    .session_open = session_open,
    .on_data = on_data,
    .on_completion = on_completion,
    .on_closed = on_closed,
    .session_close = session_close,
};

static warden_status init(const warden_host_api *host, warden_plugin_instance *instance, warden_bytes *error) {
    host_api = host;
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
