/*
 * herald/abi.h — the pure-C contract between heraldd and its plugins.
 *
 * This header is the only thing the host and a plugin must agree on. It uses C types only, so a
 * plugin built with another compiler, another standard library or other flags still works.
 *
 * Rules of the boundary:
 *  - Versioning: every struct begins with `struct_size`. Fields are only ever appended; a reader
 *    reads at most `struct_size` bytes and treats missing trailing fields as absent (NULL / 0).
 *    HERALD_ABI_MAJOR changes only when something is removed or changes meaning; the host refuses
 *    a plugin with another major, or with a newer minor than its own.
 *  - Exceptions never cross the boundary. Every function returns a status; details are available
 *    through `last_error`.
 *  - Memory: whoever allocates frees. Pointers passed into a call are valid during that call only.
 *    Strings a plugin returns stay valid until its next call on the same object. Replies the host
 *    returns (herald_reply) are owned by the plugin once returned and released with `free_reply`.
 *  - Enums start at 1; 0 always means "invalid / not set".
 *  - Threads: `deliver` and `deliver_batch` may be called concurrently from several host threads
 *    on one plugin object; a plugin that is not thread-safe must serialise internally. `create`, `start`,
 *    `stop` and `destroy` are called once each, in that order, from one thread. After `stop`
 *    returns no plugin code runs (the plugin has joined its own threads).
 */
#ifndef HERALD_ABI_H
#define HERALD_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HERALD_ABI_MAJOR 1
#define HERALD_ABI_MINOR 3

/** Name of the one symbol every plugin exports (see herald_plugin_entry_fn). */
#define HERALD_PLUGIN_ENTRY_SYMBOL "herald_plugin_entry"

/** What a plugin is. */
typedef enum herald_plugin_kind {
    HERALD_PLUGIN_NOTIFIER = 1, /**< delivers events to the outside world; implements `deliver` */
    HERALD_PLUGIN_SERVICE = 2   /**< runs alongside the core (e.g. the REST API); uses the host API */
} herald_plugin_kind;

/** Return code of the fallible entry points. */
typedef enum herald_status {
    HERALD_STATUS_OK = 1,
    HERALD_STATUS_ERROR = 2 /**< call last_error(state) for the sentence describing it */
} herald_status;

/** How one delivery attempt went; this drives retries and dead-lettering in the core. */
typedef enum herald_outcome {
    HERALD_OUTCOME_OK = 1,      /**< the far side accepted the event */
    HERALD_OUTCOME_RETRY = 2,   /**< transient failure; try again later (retry_after_ms may say when) */
    HERALD_OUTCOME_FAILED = 3,  /**< permanent failure of this delivery; do not retry */
    HERALD_OUTCOME_GONE = 4,    /**< the destination no longer exists; the listener should be disabled */
    HERALD_OUTCOME_SKIPPED = 5  /**< nothing was sent on purpose (e.g. email disabled server-wide) */
} herald_outcome;

typedef enum herald_log_level {
    HERALD_LOG_TRACE = 1,
    HERALD_LOG_DEBUG = 2,
    HERALD_LOG_INFO = 3,
    HERALD_LOG_WARN = 4,
    HERALD_LOG_ERROR = 5
} herald_log_level;

/** Pulp's authorization operations (CREATE=0.. in Pulp; shifted by one here, 0 is invalid). */
typedef enum herald_operation {
    HERALD_OP_CREATE = 1,
    HERALD_OP_READ = 2,
    HERALD_OP_UPDATE = 3,
    HERALD_OP_DELETE = 4,
    HERALD_OP_EXECUTE = 5
} herald_operation;

/** One event on its way to one listener. All pointers are host-owned, valid during `deliver`. */
typedef struct herald_event {
    size_t struct_size;
    const char* event_id;      /**< 24 lowercase hex digits; the event report id */
    const char* delivery_id;   /**< stable for this (event, listener) pair across every retry */
    const char* listener_id;   /**< 24 lowercase hex digits */
    const char* event_type;    /**< the canonical type that was fired, e.g. "repo.sync.finish" */
    const char* document_json; /**< the wire document {"event_type","payload","call_report"}, compact */
    size_t document_len;       /**< length of document_json in bytes, without the terminator */
    const char* config_json;   /**< the listener's notifier_config, already schema-validated */
    uint32_t attempt;          /**< 1 for the first attempt */
    int64_t fired_at_ms;       /**< when the event was accepted, milliseconds since the Unix epoch */
} herald_event;

/** Filled by a notifier's `deliver`. The host zeroes it and sets struct_size before the call. */
typedef struct herald_delivery_result {
    size_t struct_size;
    herald_outcome outcome;
    int64_t retry_after_ms;       /**< with RETRY: the delay the far side asked for; -1 = none */
    int32_t status_code;          /**< protocol status (HTTP status, SMTP reply code); 0 = none */
    const char* message;          /**< plugin-owned sentence for the delivery log; may be NULL */
    const char* response_excerpt; /**< plugin-owned start of the far side's answer; may be NULL */
} herald_delivery_result;

/** A JSON answer from the host. `status` uses HTTP semantics (200, 201, 202, 400, 401, 404, 413,
 *  500). On success `body` is the result document; on failure it is an error object
 *  {"code":"PLPxxxx","message":"…","data":{…},"sub_errors":[…]}. Host-allocated; the plugin owns
 *  it after the call and must release it with host->free_reply. */
typedef struct herald_reply {
    int32_t status;
    const char* body;
    size_t body_len;
} herald_reply;

/** The host API, passed to every plugin's `create`. Valid until `destroy` returns. Every
 *  function takes `ctx` (the `ctx` field of this struct) first. The listener/event functions are
 *  what a service plugin such as the REST API needs; a notifier needs only `log`. All are
 *  provided by the host (never NULL) unless stated otherwise. */
typedef struct herald_host_api {
    size_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    void* ctx;
    const char* server_version; /**< heraldd's version string */

    /** Writes one log line through the server's logger, prefixed with `[source]`.
     *  `source` is e.g. "http:5f0c…" (plugin and listener); may be NULL. */
    void (*log)(void* ctx, herald_log_level level, const char* source, const char* message);

    /** Releases a reply returned by any function below. Accepts NULL. */
    void (*free_reply)(void* ctx, herald_reply* reply);

    /** GET /v2/events/: 200 with a JSON array of listener documents (secrets redacted). */
    herald_reply* (*list_listeners)(void* ctx);
    /** GET one listener: 200 with the document, or 404 PLP0009. `id` is any string. */
    herald_reply* (*get_listener)(void* ctx, const char* id);
    /** POST /v2/events/: `body_json` is the raw request body. 201 with the created document,
     *  or 400 (PLP1009 not JSON, PLP1015 not an object, PLP0015 invalid properties). */
    herald_reply* (*create_listener)(void* ctx, const char* body_json, size_t body_len);
    /** PUT: merge `body_json` into listener `id` (Pulp's rules). 200, 400 or 404. An empty body
     *  counts as {}. */
    herald_reply* (*update_listener)(void* ctx, const char* id, const char* body_json, size_t body_len);
    /** DELETE: 200 with body `null`, or 404. */
    herald_reply* (*delete_listener)(void* ctx, const char* id);
    /** Fires an event: `body_json` = {"event_type","payload","call_report"}. 202 with the event
     *  report {"id","_href","event_type","matched_listeners",…}, or 400. */
    herald_reply* (*fire_event)(void* ctx, const char* body_json, size_t body_len);
    /** The event report with each matched listener's delivery state: 200 or 404. */
    herald_reply* (*get_event_report)(void* ctx, const char* id);
    /** 200 with the array of loaded notifier types (id, aliases, version, description, schema). */
    herald_reply* (*notifier_types)(void* ctx);
    /** 200 with versions, database and plugin health. */
    herald_reply* (*status)(void* ctx);
    /** Authenticates an `Authorization` header value (may be NULL or "") and authorizes
     *  `operation` on `resource_path` (e.g. "/v2/events/", without the /pulp/api prefix).
     *  200 with {"login": "…"} when allowed, else 401 with PLP0025 / PLP0030 / PLP0026. */
    herald_reply* (*authorize)(void* ctx, const char* authorization, const char* resource_path,
                               herald_operation operation);
    /** Tells the host that the plugin now serves `url` (e.g. "http://127.0.0.1:8080"); heraldd
     *  prints its "listening on" line. */
    void (*announce_listening)(void* ctx, const char* url);

    /* ---- ABI 1.1 ---- */
    /** A listener's deliveries, newest first. `query` is a URL query string ("state=dead&limit=50&
     *  offset=0"; may be NULL). 200 {"total","limit","offset","deliveries":[…]}, 400 or 404. */
    herald_reply* (*list_deliveries)(void* ctx, const char* listener_id, const char* query);
    /** Replays one delivery (whatever its state): 202 with the delivery, or 404. */
    herald_reply* (*redeliver)(void* ctx, const char* delivery_id);
    /** Replays many: body {"listener_id","state","event_type","since","until","dry_run"} (at least
     *  one filter). 202 {"count"}; with dry_run 200 {"count"} and nothing is replayed. */
    herald_reply* (*redeliver_bulk)(void* ctx, const char* body_json, size_t body_len);
    /** Stores a task report (Pulp's task status document): 200 with the stored report, or 400. */
    herald_reply* (*put_task)(void* ctx, const char* task_id, const char* body_json, size_t body_len);
    /** 200 with the stored task report, or 404. */
    herald_reply* (*get_task)(void* ctx, const char* task_id);

    /* ---- ABI 1.3 ---- */
    /** Fires an event like `fire_event` without waiting for its commit, for a service that answers
     *  many connections from one thread (an event loop). Returns at once; `done(user, reply)` is
     *  called exactly once with the reply `fire_event` would have returned: before
     *  fire_event_async returns when the body is refused before anything is written (400), else
     *  later, on the host thread that commits fires, once the event is durable (202) or its
     *  commit failed (500). The plugin owns the reply and releases it with free_reply. `done`
     *  must be quick and must not block or call back into the host: other fires' answers wait
     *  behind it. `body_json` is read during the call only. */
    void (*fire_event_async)(void* ctx, const char* body_json, size_t body_len,
                             void (*done)(void* user, herald_reply* reply), void* user);
} herald_host_api;

/** What the entry symbol returns: static data owned by the plugin, valid while it is loaded. */
typedef struct herald_plugin_descriptor {
    size_t struct_size;
    uint16_t abi_major; /**< HERALD_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor; /**< HERALD_ABI_MINOR the plugin was built against */
    herald_plugin_kind kind;
    const char* type_id;        /**< required: [a-z][a-z0-9_-]*, unique among loaded plugins */
    const char* const* aliases; /**< optional NULL-terminated list of other names (e.g. "rest-api") */
    const char* version;        /**< required: the plugin's own version */
    const char* description;    /**< required: one line */
    /** Notifiers: required JSON Schema (draft-07 subset) of a listener's notifier_config.
     *  Services: NULL. Fields marked "writeOnly": true are secrets and never shown on reads. */
    const char* config_schema_json;
    /** Optional JSON Schema of the server-config sections the plugin owns: an object schema whose
     *  properties are top-level section names, e.g. {"type":"object","properties":{"email":{…}}}. */
    const char* server_schema_json;
    /** Optional longer documentation (Markdown), shown by `heraldd --describe-plugin`. */
    const char* documentation;

    /** Required. Creates the plugin object. `host` stays valid until destroy. `server_config_json`
     *  is an object holding the plugin's validated sections, defaults applied (valid during the
     *  call only). On success stores the object in *out_state. On failure returns ERROR and may
     *  point *out_error at a plugin-owned sentence valid until the next call into the plugin. */
    herald_status (*create)(const herald_host_api* host, const char* server_config_json,
                            void** out_state, const char** out_error);
    /** Optional (NULL = nothing to do). Starts threads, opens listening sockets. */
    herald_status (*start)(void* state);
    /** Optional. Stops and joins everything `start` started; no plugin code runs afterwards. */
    void (*stop)(void* state);
    /** Required. Frees the object. */
    void (*destroy)(void* state);
    /** Required for notifiers, NULL for services. Delivers one event; fills *result. Returns ERROR
     *  only when it could not even decide an outcome (treated by the host as RETRY). */
    herald_status (*deliver)(void* state, const herald_event* event, herald_delivery_result* result);
    /** Required. The last error on this object, or "" — valid until the next call on it. */
    const char* (*last_error)(void* state);

    /* ---- ABI 1.2 ---- */
    /** Optional for notifiers (NULL = the host calls `deliver` once per event, from as many
     *  threads at once as the listener's in-flight bound allows). Set it only when the plugin
     *  overlaps a batch's work: delivers `count` events of one listener at once (the http plugin
     *  has them all in flight on separate connections) and fills results[i] for
     *  events[i]; the host zeroes each result and sets its struct_size first. Strings in the
     *  results stay valid until the calling thread's next call into the plugin. Returns ERROR
     *  only when it could decide no outcome at all (the host then treats every event as RETRY). */
    herald_status (*deliver_batch)(void* state, const herald_event* events, size_t count,
                                   herald_delivery_result* results);
} herald_plugin_descriptor;

/** Signature of the exported entry symbol `herald_plugin_entry`. Never NULL, never throws. */
typedef const herald_plugin_descriptor* (*herald_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* HERALD_ABI_H */
