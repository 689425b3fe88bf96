#pragma once
// Sends one event's messages, one per address, over an SMTP session: a kept-open one from an
// earlier event when there is one (connecting, TLS and AUTH cost more round trips than a
// message), else a new one. The outcome says which addresses got the message.
#include <herald/result.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/SMTPClientSession.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <mutex>
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
    int idle_timeout_ms = 10000;  // 0: a session per event, closed after it
    std::size_t max_idle_sessions = 4;

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
    ~smtp_sender();
    smtp_sender(const smtp_sender&) = delete;
    smtp_sender& operator=(const smtp_sender&) = delete;

    /// Sends `body` to each address, skipping those in `already_sent`. Thread-safe: concurrent
    /// calls use separate sessions.
    send_report send(const std::string& subject, const std::vector<std::string>& addresses, const std::string& body,
                     const std::string& message_id_base, const std::set<std::string>& already_sent);
    /// Says goodbye (QUIT) to every idle session.
    void close_idle();

private:
    using clock = std::chrono::steady_clock;
    struct idle_session {
        std::unique_ptr<Poco::Net::SMTPClientSession> session;
        clock::time_point since;
    };
    /// A kept-open session (reused = true) or a new one; throws Poco::Exception when it cannot
    /// connect or log in.
    std::unique_ptr<Poco::Net::SMTPClientSession> take(bool& reused);
    std::unique_ptr<Poco::Net::SMTPClientSession> open();
    void give_back(std::unique_ptr<Poco::Net::SMTPClientSession> session);

    smtp_settings s_;
    Poco::Net::Context::Ptr tls_;
    std::mutex mutex_;
    std::vector<idle_session> idle_;  // most recently used last
};

/// The delivery outcome for a report: ok when every address got it; retry while any address is
/// deferred; failed when the only problems were permanent rejections.
herald::sdk::delivery_result to_result(const send_report& r, const std::string& server);

}  // namespace herald::email
