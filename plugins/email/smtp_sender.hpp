#pragma once
// One SMTP session per event: connect (TLS as configured), authenticate, then one message per
// address. The outcome says which addresses got the message.
#include <herald/result.hpp>

#include <Poco/Net/Context.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace herald::email {

struct smtp_settings {
    std::string host;
    unsigned short port = 25;
    std::string from;
    std::string username;
    std::string password;
    bool starttls = false;
    bool implicit_tls = false;
    std::string ca_path;
    int timeout_ms = 30000;

    static smtp_settings from_config(const nlohmann::json& email_section);
};

/// What happened to each address of one event.
struct send_report {
    std::vector<std::string> sent;
    std::vector<std::string> rejected;   // 5xx: failed for good for that address
    std::vector<std::string> deferred;   // 4xx or not reached: to try again
    std::string error;                   // the first error, for the message
    int status_code = 0;                 // the first SMTP reply code that was not success
};

class smtp_sender {
public:
    explicit smtp_sender(smtp_settings s);
    /// Sends `body` to each address, skipping those in `already_sent`.
    send_report send(const std::string& subject, const std::vector<std::string>& addresses, const std::string& body,
                     const std::string& message_id_base, const std::set<std::string>& already_sent);

private:
    smtp_settings s_;
    Poco::Net::Context::Ptr tls_;
};

/// The delivery outcome for a report: ok when every address got it; retry while any address is
/// deferred; failed when the only problems were permanent rejections.
herald::sdk::delivery_result to_result(const send_report& r, const std::string& server);

}  // namespace herald::email
