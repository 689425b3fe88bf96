#include "smtp_sender.hpp"

#include "mail_render.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SMTPClientSession.h>

#include <memory>

namespace herald::email {

using herald::sdk::delivery_result;

namespace {

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

bool permanent(int code) { return code >= 500 && code < 600; }

}  // namespace

smtp_settings smtp_settings::from_config(const nlohmann::json& e) {
    smtp_settings s;
    s.host = e.value("host", "localhost");
    s.port = static_cast<unsigned short>(e.value("port", 25));
    s.from = e.value("from", "pulp@localhost");
    s.username = e.value("username", "");
    s.password = e.value("password", "");
    s.starttls = e.value("starttls", false);
    s.implicit_tls = e.value("implicit_tls", false);
    s.ca_path = e.value("ca_path", "");
    s.timeout_ms = e.value("timeout_ms", 30000);
    return s;
}

smtp_sender::smtp_sender(smtp_settings s) : s_(std::move(s)) {
    if (s_.starttls || s_.implicit_tls)
        tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", s_.ca_path,
                                      Poco::Net::Context::VERIFY_RELAXED, 9, s_.ca_path.empty());
}

send_report smtp_sender::send(const std::string& subject, const std::vector<std::string>& addresses,
                              const std::string& body, const std::string& message_id_base,
                              const std::set<std::string>& already_sent) {
    send_report report;
    std::vector<std::string> todo;
    for (const auto& a : addresses) (already_sent.count(a) ? report.sent : todo).push_back(a);
    if (todo.empty()) return report;

    const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(s_.timeout_ms) * 1000);
    std::unique_ptr<Poco::Net::SMTPClientSession> session;
    try {
        const Poco::Net::SocketAddress address(s_.host, s_.port);
        if (s_.implicit_tls) {
            Poco::Net::SecureStreamSocket socket(tls_);
            socket.setPeerHostName(s_.host);
            socket.connect(address, timeout);
            session = std::make_unique<Poco::Net::SMTPClientSession>(socket);
        } else if (s_.starttls) {
            Poco::Net::StreamSocket socket;
            socket.connect(address, timeout);
            session = std::make_unique<Poco::Net::SecureSMTPClientSession>(socket);
        } else {
            Poco::Net::StreamSocket socket;
            socket.connect(address, timeout);
            session = std::make_unique<Poco::Net::SMTPClientSession>(socket);
        }
        session->setTimeout(timeout);
        session->login();
        if (s_.starttls) {
            auto* secure = static_cast<Poco::Net::SecureSMTPClientSession*>(session.get());
            if (!secure->startTLS(tls_))
                throw Poco::Net::SMTPException("the server does not offer STARTTLS, which email.starttls requires");
            session->login();  // RFC 3207: the session starts over after STARTTLS, EHLO included
        }
        if (!s_.username.empty() && !s_.password.empty())
            session->login(Poco::Net::SMTPClientSession::AUTH_LOGIN, s_.username, s_.password);
    } catch (const Poco::Exception& e) {
        report.deferred = todo;
        report.error = "cannot open an SMTP session with " + s_.host + ":" + std::to_string(s_.port) + ": " + e.displayText();
        report.status_code = e.code() >= 400 && e.code() < 600 ? e.code() : 0;
        return report;
    }

    for (std::size_t i = 0; i < todo.size(); ++i) {
        const std::string& to = todo[i];
        const std::string message_id = "<" + message_id_base + "." + std::to_string(i) + "@herald>";
        try {
            session->sendMessage(*render_message(subject, s_.from, to, body, message_id));
            report.sent.push_back(to);
        } catch (const Poco::Net::SMTPException& e) {
            // POCO puts the SMTP reply code in the exception's code.
            (permanent(e.code()) ? report.rejected : report.deferred).push_back(to);
            if (report.error.empty()) {
                report.error = to + ": " + e.displayText();
                report.status_code = e.code();
            }
            std::string ignored;
            try {
                session->sendCommand("RSET", ignored);  // leave the half-done transaction
            } catch (const Poco::Exception&) {
                for (std::size_t j = i + 1; j < todo.size(); ++j) report.deferred.push_back(todo[j]);
                return report;
            }
        } catch (const Poco::Exception& e) {
            for (std::size_t j = i; j < todo.size(); ++j) report.deferred.push_back(todo[j]);
            if (report.error.empty()) report.error = to + ": " + e.displayText();
            return report;
        }
    }
    try {
        session->close();
    } catch (const Poco::Exception&) {
        // The messages are accepted; a failing QUIT changes nothing.
    }
    return report;
}

delivery_result to_result(const send_report& r, const std::string& server) {
    std::string msg = "sent to " + (r.sent.empty() ? std::string("nobody") : join(r.sent)) + " via " + server;
    if (!r.rejected.empty()) msg += "; rejected for good: " + join(r.rejected);
    if (!r.deferred.empty()) msg += "; to retry: " + join(r.deferred);
    if (!r.error.empty()) msg += " (" + r.error + ")";
    delivery_result out = !r.deferred.empty()  ? delivery_result::retry(msg)
                          : !r.rejected.empty() ? delivery_result::failed(msg)
                                                : delivery_result::ok(msg);
    out.with_status(r.status_code);
    return out;
}

}  // namespace herald::email
