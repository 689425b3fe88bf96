// The amqp notifier: publishes the event to a topic exchange with routing key
// "pulp.server.<event type>" (Pulp's subject), on one long-lived connection with publisher
// confirms. Works with RabbitMQ and any AMQP 0-9-1 broker (Pulp 2's worked with Qpid only).
#include "amqp_publisher.hpp"

#include <herald/sdk.hpp>
#include <herald_plugin_files.hpp>

namespace herald::amqp {

class amqp_notifier {
public:
    static constexpr const char* type_id = "amqp";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "Publishes the event to an AMQP 0-9-1 topic exchange (RabbitMQ)";
    static constexpr const char* schema = herald_generated::schema_json;
    static constexpr const char* documentation = herald_generated::documentation;

    amqp_notifier(const herald::sdk::host& host, const nlohmann::json& config)
        : host_(host),
          default_exchange_(config.at("messaging").at("topic_exchange").get<std::string>()),
          publisher_(settings(config.at("messaging"), "url")),
          notifications_(settings(config.at("messaging"), "event_notification_url")) {}

    herald::sdk::delivery_result deliver(const herald::sdk::event& ev) {
        std::string exchange = ev.config.value("exchange", std::string());
        if (exchange.empty()) exchange = default_exchange_;  // Pulp: "" falls back to the default too
        const std::string key = ev.config.value("routing_key", "pulp.server." + std::string(ev.type));
        amqp_publisher& to = ev.config.value("broker", "messaging") == "event_notification" ? notifications_ : publisher_;
        return to.publish({exchange, key, std::string(ev.document), std::string(ev.delivery_id)});
    }

private:
    static broker_settings settings(const nlohmann::json& messaging, const char* url_key) {
        return {messaging.at(url_key).get<std::string>(), messaging.value("cacert", std::string()),
                std::chrono::milliseconds(messaging.at("timeout_ms").get<int>())};
    }

    herald::sdk::host host_;
    std::string default_exchange_;
    amqp_publisher publisher_;      // messaging.url: event listeners
    amqp_publisher notifications_;  // messaging.event_notification_url: task-status messages
};

}  // namespace herald::amqp

HERALD_NOTIFIER_PLUGIN(herald::amqp::amqp_notifier)
