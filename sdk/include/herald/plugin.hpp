#pragma once
/// Turns a plain C++ class into a Herald plugin. The class declares:
///
///   class my_notifier {
///   public:
///       static constexpr const char* type_id = "webhook2";           // required
///       static constexpr const char* version = "1.0.0";              // required
///       static constexpr const char* description = "One line.";      // required
///       static constexpr const char* schema = my_schema_json;        // required: schema.json text,
///                                   // {"config": {listener schema}, "server": {section schemas}}
///       static constexpr const char* const aliases[] = {"old-name", nullptr};   // optional
///       static constexpr const char* documentation = my_readme;      // optional
///       my_notifier(const herald::sdk::host&, const nlohmann::json& server_config);
///       herald::sdk::delivery_result deliver(const herald::sdk::event&);      // notifiers
///       std::vector<herald::sdk::delivery_result>                             // optional: one
///           deliver_batch(const std::vector<herald::sdk::event>&);            // listener's events
///                                                                             // at once
///       void start();  void stop();                                          // optional
///   };
///   HERALD_NOTIFIER_PLUGIN(my_notifier)      // or HERALD_SERVICE_PLUGIN(my_service)
///
/// Exceptions thrown by the class never leave the plugin: the glue below catches them, keeps the
/// message for last_error and returns a status code.
#include <herald/abi.h>
#include <herald/event.hpp>
#include <herald/host.hpp>
#include <herald/result.hpp>
#include <herald/version.hpp>

#include <nlohmann/json.hpp>

#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

HERALD_SDK_NAMESPACE_BEGIN
namespace detail {

template <class, class = void> struct has_type_id : std::false_type {};
template <class T> struct has_type_id<T, std::void_t<decltype(T::type_id)>> : std::true_type {};
template <class, class = void> struct has_version : std::false_type {};
template <class T> struct has_version<T, std::void_t<decltype(T::version)>> : std::true_type {};
template <class, class = void> struct has_description : std::false_type {};
template <class T> struct has_description<T, std::void_t<decltype(T::description)>> : std::true_type {};
template <class, class = void> struct has_schema : std::false_type {};
template <class T> struct has_schema<T, std::void_t<decltype(T::schema)>> : std::true_type {};
template <class, class = void> struct has_aliases : std::false_type {};
template <class T> struct has_aliases<T, std::void_t<decltype(T::aliases)>> : std::true_type {};
template <class, class = void> struct has_documentation : std::false_type {};
template <class T> struct has_documentation<T, std::void_t<decltype(T::documentation)>> : std::true_type {};
template <class, class = void> struct has_start : std::false_type {};
template <class T> struct has_start<T, std::void_t<decltype(std::declval<T&>().start())>> : std::true_type {};
template <class, class = void> struct has_stop : std::false_type {};
template <class T> struct has_stop<T, std::void_t<decltype(std::declval<T&>().stop())>> : std::true_type {};
template <class, class = void> struct has_deliver : std::false_type {};
template <class T>
struct has_deliver<T, std::void_t<decltype(std::declval<T&>().deliver(std::declval<const event&>()))>>
    : std::is_convertible<decltype(std::declval<T&>().deliver(std::declval<const event&>())), delivery_result> {};

template <class, class = void> struct has_deliver_batch : std::false_type {};
template <class T>
struct has_deliver_batch<
    T, std::void_t<decltype(std::declval<T&>().deliver_batch(std::declval<const std::vector<event>&>()))>>
    : std::is_convertible<decltype(std::declval<T&>().deliver_batch(std::declval<const std::vector<event>&>())),
                          std::vector<delivery_result>> {};

// A member called deliver_batch at all (to catch one with the wrong signature, which would
// otherwise be silently ignored and the plugin never get batches).
template <class, class = void> struct names_deliver_batch : std::false_type {};
template <class T> struct names_deliver_batch<T, std::void_t<decltype(&T::deliver_batch)>> : std::true_type {};

template <class T, herald_plugin_kind Kind>
constexpr bool check_plugin_class() {
    static_assert(has_type_id<T>::value,
                  "herald: the plugin class needs `static constexpr const char* type_id = \"my-type\";`");
    static_assert(has_version<T>::value,
                  "herald: the plugin class needs `static constexpr const char* version = \"1.0.0\";`");
    static_assert(has_description<T>::value,
                  "herald: the plugin class needs `static constexpr const char* description = \"…\";`");
    static_assert(has_schema<T>::value,
                  "herald: the plugin class needs `static constexpr const char* schema = <schema.json text>;` "
                  "(herald_add_plugin(... SCHEMA schema.json) generates it)");
    static_assert(std::is_constructible<T, const host&, const nlohmann::json&>::value,
                  "herald: the plugin class needs a constructor `T(const herald::sdk::host&, const nlohmann::json& "
                  "server_config)`");
    static_assert(Kind != HERALD_PLUGIN_NOTIFIER || has_deliver<T>::value,
                  "herald: a notifier class needs `herald::sdk::delivery_result deliver(const herald::sdk::event&)`");
    static_assert(!names_deliver_batch<T>::value || has_deliver_batch<T>::value,
                  "herald: deliver_batch must be `std::vector<herald::sdk::delivery_result> deliver_batch(const "
                  "std::vector<herald::sdk::event>&)`");
    return true;
}

/// One plugin object plus the error text returned by last_error.
template <class T>
struct instance {
    instance(const herald_host_api* api, const nlohmann::json& cfg) : h(api), obj(h, cfg) {}
    host h;
    T obj;
    std::string last_error;
};

/// schema.json split into the descriptor's two schema strings. A schema file that does not parse
/// is passed through raw so the host refuses the plugin with the parser's message.
struct schema_parts {
    std::string config;
    std::string server;
};

inline schema_parts split_schema(const char* text) {
    schema_parts parts;
    try {
        auto j = nlohmann::json::parse(text);
        if (j.contains("config")) parts.config = j["config"].dump();
        if (j.contains("server")) parts.server = j["server"].dump();
    } catch (const std::exception&) {
        parts.config = text;
    }
    return parts;
}

inline std::string describe_exception() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

template <class T>
struct glue {
    static herald_status create(const herald_host_api* api, const char* cfg, void** out, const char** err) {
        static thread_local std::string create_error;
        try {
            nlohmann::json j = (cfg && *cfg) ? nlohmann::json::parse(cfg) : nlohmann::json::object();
            *out = new instance<T>(api, j);
            return HERALD_STATUS_OK;
        } catch (...) {
            create_error = describe_exception();
            if (err) *err = create_error.c_str();
            return HERALD_STATUS_ERROR;
        }
    }
    static herald_status start(void* state) {
        auto* self = static_cast<instance<T>*>(state);
        try {
            if constexpr (has_start<T>::value) self->obj.start();
            return HERALD_STATUS_OK;
        } catch (...) {
            self->last_error = describe_exception();
            return HERALD_STATUS_ERROR;
        }
    }
    static void stop(void* state) {
        auto* self = static_cast<instance<T>*>(state);
        try {
            if constexpr (has_stop<T>::value) self->obj.stop();
        } catch (...) {
            self->last_error = describe_exception();
        }
    }
    static void destroy(void* state) {
        try {
            delete static_cast<instance<T>*>(state);
        } catch (...) {
        }
    }
    static event to_event(const herald_event& ev, const nlohmann::json& config) {
        return event{ev.event_id ? ev.event_id : "",
                     ev.delivery_id ? ev.delivery_id : "",
                     ev.listener_id ? ev.listener_id : "",
                     ev.event_type ? ev.event_type : "",
                     std::string_view(ev.document_json ? ev.document_json : "", ev.document_len),
                     config,
                     ev.attempt,
                     ev.fired_at_ms};
    }
    static nlohmann::json parse_config(const char* json) {
        return json && *json ? nlohmann::json::parse(json) : nlohmann::json::object();
    }
    /// Hands `r` over the boundary. deliver may run on several threads at once, so the strings
    /// live in the calling thread's buffers `message` and `excerpt`, valid until its next call.
    static void hand_over(delivery_result& r, herald_delivery_result& out, std::string& message,
                          std::string& excerpt) {
        message = std::move(r.message);
        excerpt = std::move(r.response_excerpt);
        out.outcome = r.outcome;
        out.retry_after_ms = r.retry_after ? r.retry_after->count() : -1;
        out.status_code = r.status_code;
        out.message = message.c_str();
        out.response_excerpt = excerpt.empty() ? nullptr : excerpt.c_str();
    }
    /// A throwing deliver counts as retry, with the exception's message.
    static herald_status thrown(herald_delivery_result* out, size_t count) {
        static thread_local std::string error;
        error = describe_exception();
        for (size_t i = 0; i < count; ++i) {
            out[i].outcome = HERALD_OUTCOME_RETRY;
            out[i].retry_after_ms = -1;
            out[i].message = error.c_str();
        }
        return HERALD_STATUS_ERROR;
    }
    static herald_status deliver(void* state, const herald_event* ev, herald_delivery_result* out) {
        auto* self = static_cast<instance<T>*>(state);
        if constexpr (has_deliver<T>::value) {
            try {
                const nlohmann::json cfg = parse_config(ev->config_json);
                delivery_result r = self->obj.deliver(to_event(*ev, cfg));
                static thread_local std::string message, excerpt;
                hand_over(r, *out, message, excerpt);
                return HERALD_STATUS_OK;
            } catch (...) {
                return thrown(out, 1);
            }
        } else {
            (void)self;
            (void)ev;
            (void)out;
            return HERALD_STATUS_ERROR;
        }
    }
    /// Only referenced (so only compiled) for a class with deliver_batch. A batch is one
    /// listener's events, so the config is parsed once, not once per event.
    static herald_status deliver_batch(void* state, const herald_event* evs, size_t count,
                                       herald_delivery_result* out) {
        auto* self = static_cast<instance<T>*>(state);
        static thread_local std::vector<std::string> messages, excerpts;
        try {
            std::vector<nlohmann::json> configs;
            configs.reserve(count);  // events refer into it: it must never reallocate
            std::vector<event> events;
            events.reserve(count);
            for (size_t i = 0; i < count; ++i) {
                const char* cfg = evs[i].config_json ? evs[i].config_json : "";
                const char* before = i > 0 && evs[i - 1].config_json ? evs[i - 1].config_json : nullptr;
                if (!before || (before != cfg && std::strcmp(before, cfg) != 0)) configs.push_back(parse_config(cfg));
                events.push_back(to_event(evs[i], configs.back()));
            }
            std::vector<delivery_result> results = self->obj.deliver_batch(events);
            if (results.size() != count)
                throw std::logic_error("deliver_batch returned " + std::to_string(results.size()) + " results for " +
                                       std::to_string(count) + " events");
            messages.resize(count);
            excerpts.resize(count);
            for (size_t i = 0; i < count; ++i) hand_over(results[i], out[i], messages[i], excerpts[i]);
            return HERALD_STATUS_OK;
        } catch (...) {
            return thrown(out, count);
        }
    }
    static const char* last_error(void* state) {
        return state ? static_cast<instance<T>*>(state)->last_error.c_str() : "";
    }
};

template <class T, herald_plugin_kind Kind>
const herald_plugin_descriptor* describe() {
    static_assert(check_plugin_class<T, Kind>(), "");
    static const schema_parts schemas = split_schema(T::schema);
    static const herald_plugin_descriptor d = [] {
        herald_plugin_descriptor x{};
        x.struct_size = sizeof(herald_plugin_descriptor);
        x.abi_major = HERALD_ABI_MAJOR;
        x.abi_minor = HERALD_ABI_MINOR;
        x.kind = Kind;
        x.type_id = T::type_id;
        if constexpr (has_aliases<T>::value) x.aliases = T::aliases;
        x.version = T::version;
        x.description = T::description;
        x.config_schema_json = schemas.config.empty() ? nullptr : schemas.config.c_str();
        x.server_schema_json = schemas.server.empty() ? nullptr : schemas.server.c_str();
        if constexpr (has_documentation<T>::value) x.documentation = T::documentation;
        x.create = &glue<T>::create;
        x.start = &glue<T>::start;
        x.stop = &glue<T>::stop;
        x.destroy = &glue<T>::destroy;
        x.deliver = Kind == HERALD_PLUGIN_NOTIFIER ? &glue<T>::deliver : nullptr;
        x.last_error = &glue<T>::last_error;
        // Only a class that overlaps a batch's work says it takes batches: for the others the
        // host keeps handing out one event per call, on as many threads as it has.
        if constexpr (Kind == HERALD_PLUGIN_NOTIFIER && has_deliver_batch<T>::value)
            x.deliver_batch = &glue<T>::deliver_batch;
        return x;
    }();
    return &d;
}

}  // namespace detail
HERALD_SDK_NAMESPACE_END

#define HERALD_DETAIL_PLUGIN_ENTRY(cls, kind)                                                         \
    extern "C" __attribute__((visibility("default"))) const herald_plugin_descriptor*                \
    herald_plugin_entry(void) {                                                                       \
        return ::herald::sdk::detail::describe<cls, kind>();                                          \
    }

/// Exports `cls` as a notifier plugin (one per shared object).
#define HERALD_NOTIFIER_PLUGIN(cls) HERALD_DETAIL_PLUGIN_ENTRY(cls, HERALD_PLUGIN_NOTIFIER)
/// Exports `cls` as a service plugin (one per shared object).
#define HERALD_SERVICE_PLUGIN(cls) HERALD_DETAIL_PLUGIN_ENTRY(cls, HERALD_PLUGIN_SERVICE)
