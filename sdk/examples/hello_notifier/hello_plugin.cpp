// The smallest useful notifier: a plain class, one macro. Everything else comes from the SDK.
#include <herald/sdk.hpp>
#include <herald_plugin_files.hpp>

class hello {
public:
    static constexpr const char* type_id = "hello";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "Logs a greeting for every event";
    static constexpr const char* schema = herald_generated::schema_json;
    static constexpr const char* documentation = herald_generated::documentation;

    hello(const herald::sdk::host& host, const nlohmann::json& /*server_config*/) : host_(host) {}

    herald::sdk::delivery_result deliver(const herald::sdk::event& ev) {
        host_.log(herald::sdk::log_level::info, "hello:" + std::string(ev.short_listener()),
                  ev.config.at("greeting").get<std::string>() + ": " + std::string(ev.type));
        return herald::sdk::delivery_result::ok();
    }

private:
    herald::sdk::host host_;
};

HERALD_NOTIFIER_PLUGIN(hello)
