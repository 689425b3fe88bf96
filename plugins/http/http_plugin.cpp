// The http notifier (type "http", Pulp's old name "rest-api"): POSTs the event document to the
// listener's URL, optionally with Basic auth and Standard Webhooks signatures.
#include "http_sender.hpp"
#include "webhook_request.hpp"

#include <herald/sdk.hpp>
#include <herald_plugin_files.hpp>

#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <chrono>
#include <mutex>
#include <vector>

namespace herald::http {

class http_notifier {
public:
    static constexpr const char* type_id = "http";
    static constexpr const char* const aliases[] = {"rest-api", nullptr};
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "POSTs the event as JSON to a URL (webhook), optionally signed";
    static constexpr const char* schema = herald_generated::schema_json;
    static constexpr const char* documentation = herald_generated::documentation;

    http_notifier(const herald::sdk::host& host, const nlohmann::json& config)
        : host_(host),
          sender_(config.at("http").at("max_connections_per_destination").get<std::size_t>()),
          user_agent_("Herald/" + host.server_version() + " (http-notifier/" + version + ")") {
        Poco::Net::initializeSSL();
        // Without this POCO would fall back to its console handler for an untrusted certificate;
        // Herald never accepts one.
        static std::once_flag once;
        std::call_once(once, [] {
            Poco::Net::SSLManager::instance().initializeClient(
                nullptr, new Poco::Net::RejectCertificateHandler(false),
                new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                       Poco::Net::Context::VERIFY_RELAXED, 9, true));
        });
    }
    ~http_notifier() { Poco::Net::uninitializeSSL(); }

    herald::sdk::delivery_result deliver(const herald::sdk::event& ev) {
        return std::move(deliver_batch({ev}).front());
    }

    /// One listener's due events, all in flight at once (see http_sender::send_all).
    std::vector<herald::sdk::delivery_result> deliver_batch(const std::vector<herald::sdk::event>& events) {
        const auto now = std::chrono::system_clock::now();
        const long long ts = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        std::vector<webhook_request> requests;
        requests.reserve(events.size());  // `batch` points into it
        std::vector<outgoing> batch;
        batch.reserve(events.size());
        for (const auto& ev : events) {
            requests.push_back(
                render_request(ev.config, std::string(ev.document), std::string(ev.delivery_id), ts, user_agent_));
            batch.push_back({&requests.back(), std::chrono::milliseconds(ev.config.value("timeout_ms", 15000)),
                             ev.config.value("ca_path", std::string())});
        }
        return sender_.send_all(batch);
    }

private:
    herald::sdk::host host_;
    http_sender sender_;
    std::string user_agent_;
};

}  // namespace herald::http

HERALD_NOTIFIER_PLUGIN(herald::http::http_notifier)
