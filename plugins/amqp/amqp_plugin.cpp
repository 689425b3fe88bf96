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
          publisher_(broker_settings{config.at("messaging").at("url").get<std::string>(),
                                     config.at("messaging").value("cacert", std::string()),
                                     std::chrono::milliseconds(config.at("messaging").at("timeout_ms").get<int>())}) {}

    herald::sdk::delivery_result deliver(const herald::sdk::event& ev) {
        std::string exchange = ev.config.value("exchange", std::string());
        if (exchange.empty()) exchange = default_exchange_;  // Pulp: "" falls back to the default too
        return publisher_.publish(
            {exchange, "pulp.server." + std::string(ev.type), std::string(ev.document), std::string(ev.delivery_id)});
    }

private:
    herald::sdk::host host_;
    std::string default_exchange_;
    amqp_publisher publisher_;
};

}  // namespace herald::amqp

HERALD_NOTIFIER_PLUGIN(herald::amqp::amqp_notifier)
