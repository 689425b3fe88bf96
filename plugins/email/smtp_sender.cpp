#include "smtp_sender.hpp"

#include "mail_render.hpp"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SMTPClientSession.h>

#include <algorithm>
#include <iterator>
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
    s.idle_timeout_ms = e.value("idle_timeout_ms", 10000);
    s.max_idle_sessions = e.value("max_idle_sessions", 4);
    return s;
}

smtp_sender::smtp_sender(smtp_settings s) : s_(std::move(s)) {
    if (s_.starttls || s_.implicit_tls)
        tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", s_.ca_path,
                                      Poco::Net::Context::VERIFY_RELAXED, 9, s_.ca_path.empty());
}

smtp_sender::~smtp_sender() { close_idle(); }

std::unique_ptr<Poco::Net::SMTPClientSession> smtp_sender::open() {
    const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(s_.timeout_ms) * 1000);
    const Poco::Net::SocketAddress address(s_.host, s_.port);
    std::unique_ptr<Poco::Net::SMTPClientSession> session;
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
    return session;
}

namespace {

void quit(std::unique_ptr<Poco::Net::SMTPClientSession>& session) {
    try {
        session->close();
    } catch (const Poco::Exception&) {
        // Every message is already accepted or accounted for; a failing QUIT changes nothing.
    }
}

}  // namespace

std::unique_ptr<Poco::Net::SMTPClientSession> smtp_sender::take(bool& reused) {
    std::vector<idle_session> expired;
    std::unique_ptr<Poco::Net::SMTPClientSession> session;
    {
        std::lock_guard lock(mutex_);
        const auto oldest = clock::now() - std::chrono::milliseconds(s_.idle_timeout_ms);
        // Sessions idle too long may be half-closed by the server already: say goodbye instead.
        const auto fresh_end = std::stable_partition(idle_.begin(), idle_.end(),
                                                     [&](const idle_session& i) { return i.since >= oldest; });
        std::move(fresh_end, idle_.end(), std::back_inserter(expired));
        idle_.erase(fresh_end, idle_.end());
        if (!idle_.empty()) {
            session = std::move(idle_.back().session);
            idle_.pop_back();
        }
    }
    for (auto& e : expired) quit(e.session);
    reused = session != nullptr;
    return session ? std::move(session) : open();
}

void smtp_sender::give_back(std::unique_ptr<Poco::Net::SMTPClientSession> session) {
    if (s_.idle_timeout_ms > 0) {
        std::lock_guard lock(mutex_);
        if (idle_.size() < s_.max_idle_sessions) {
            idle_.push_back({std::move(session), clock::now()});
            return;
        }
    }
    quit(session);
}

void smtp_sender::close_idle() {
    std::vector<idle_session> all;
    {
        std::lock_guard lock(mutex_);
        all.swap(idle_);
    }
    for (auto& i : all) quit(i.session);
}

send_report smtp_sender::send(const std::string& subject, const std::vector<std::string>& addresses,
                              const std::string& body, const std::string& message_id_base,
                              const std::set<std::string>& already_sent) {
    send_report report;
    std::vector<std::string> todo;
    for (const auto& a : addresses) (already_sent.count(a) ? report.sent : todo).push_back(a);
    if (todo.empty()) return report;

    auto cannot_open = [&](const Poco::Exception& e, std::size_t from) {
        for (std::size_t j = from; j < todo.size(); ++j) report.deferred.push_back(todo[j]);
        report.error = "cannot open an SMTP session with " + s_.host + ":" + std::to_string(s_.port) + ": " + e.displayText();
        report.status_code = e.code() >= 400 && e.code() < 600 ? e.code() : 0;
        return report;
    };
    bool reused = false;
    std::unique_ptr<Poco::Net::SMTPClientSession> session;
    try {
        session = take(reused);
    } catch (const Poco::Exception& e) {
        return cannot_open(e, 0);
    }

    bool answered = false;  // has this session answered anything since it was taken?
    for (std::size_t i = 0; i < todo.size(); ++i) {
        const std::string& to = todo[i];
        const std::string message_id = "<" + message_id_base + "." + std::to_string(i) + "@herald>";
        try {
            session->sendMessage(*render_message(subject, s_.from, to, body, message_id));
            report.sent.push_back(to);
            answered = true;
        } catch (const Poco::Exception& e) {
            // A kept-open session the server has closed meanwhile fails on its first command
            // with no SMTP reply (or 421, "closing"): the message goes again on a new session.
            const auto* smtp = dynamic_cast<const Poco::Net::SMTPException*>(&e);
            const bool replied = smtp && e.code() >= 400 && e.code() < 600 && e.code() != 421;
            if (reused && !answered && !replied) {
                quit(session);
                reused = false;
                try {
                    session = open();
                } catch (const Poco::Exception& again) {
                    return cannot_open(again, i);
                }
                --i;
                continue;
            }
            if (!replied) {  // the connection itself failed: nothing more goes over it
                for (std::size_t j = i; j < todo.size(); ++j) report.deferred.push_back(todo[j]);
                if (report.error.empty()) report.error = to + ": " + e.displayText();
                return report;
            }
            answered = true;
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
        }
    }
    give_back(std::move(session));
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
