// The email notifier: one message per address, the event document as the body (Pulp's mail.py),
// over SMTP sessions kept open between events, with SMTP AUTH and TLS when configured.
#include "mail_render.hpp"
#include "smtp_sender.hpp"

#include <herald/sdk.hpp>
#include <herald_plugin_files.hpp>

#include <Poco/Net/SSLManager.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace herald::email {

class email_notifier {
public:
    static constexpr const char* type_id = "email";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "Sends the event as a plain-text email to each address";
    static constexpr const char* schema = herald_generated::schema_json;
    static constexpr const char* documentation = herald_generated::documentation;

    email_notifier(const herald::sdk::host& host, const nlohmann::json& config)
        : host_(host),
          enabled_(config.at("email").value("enabled", false)),
          settings_(smtp_settings::from_config(config.at("email"))),
          server_(settings_.host + ":" + std::to_string(settings_.port)) {
        Poco::Net::initializeSSL();
        sender_ = std::make_unique<smtp_sender>(settings_);
    }
    ~email_notifier() {
        sender_.reset();  // its TLS sessions end before SSL is torn down
        Poco::Net::uninitializeSSL();
    }
    void stop() { sender_->close_idle(); }

    herald::sdk::delivery_result deliver(const herald::sdk::event& ev) {
        if (!enabled_) return herald::sdk::delivery_result::skipped("email is disabled (email.enabled is false)");
        const auto addresses = ev.config.at("addresses").get<std::vector<std::string>>();
        const std::string delivery(ev.delivery_id);
        const send_report report = sender_->send(ev.config.at("subject").get<std::string>(), addresses,
                                               render_body(std::string(ev.document)), delivery, sent_before(delivery));
        remember(delivery, report);
        return to_result(report, server_);
    }

private:
    // Addresses that already got this delivery in an earlier attempt are not mailed again on a
    // retry (within this process; after a restart at-least-once may repeat one).
    std::set<std::string> sent_before(const std::string& delivery) {
        std::lock_guard lock(mutex_);
        auto it = partial_.find(delivery);
        return it == partial_.end() ? std::set<std::string>{} : it->second;
    }
    void remember(const std::string& delivery, const send_report& r) {
        std::lock_guard lock(mutex_);
        if (r.deferred.empty()) {
            partial_.erase(delivery);
        } else if (partial_.size() < 10000) {
            partial_[delivery].insert(r.sent.begin(), r.sent.end());
        }
    }

    herald::sdk::host host_;
    bool enabled_;
    smtp_settings settings_;
    std::string server_;
    std::unique_ptr<smtp_sender> sender_;
    std::mutex mutex_;
    std::map<std::string, std::set<std::string>> partial_;
};

}  // namespace herald::email

HERALD_NOTIFIER_PLUGIN(herald::email::email_notifier)
