#include "webhook_connection.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <poll.h>

#include <algorithm>
#include <cerrno>

namespace herald::http {

namespace {

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

Poco::Net::StreamSocket connect(const destination& d, const Poco::Net::Context::Ptr& tls,
                                std::chrono::milliseconds timeout) {
    const Poco::Net::SocketAddress address(d.host, d.port);
    if (!tls) {
        Poco::Net::StreamSocket s;
        s.connect(address, span(timeout));
        return s;
    }
    Poco::Net::SecureStreamSocket s(tls);
    s.setPeerHostName(d.host);  // SNI, and the name the certificate must carry
    s.connect(address, span(timeout));  // the handshake and verification happen here
    return s;
}

}  // namespace

webhook_connection::webhook_connection(const destination& d, const Poco::Net::Context::Ptr& tls,
                                       std::chrono::milliseconds timeout)
    : socket_(connect(d, tls, timeout)), tls_(tls != nullptr) {
    socket_.setNoDelay(true);  // a request is one write; waiting to coalesce it only adds latency
}

void webhook_connection::set_timeouts(std::chrono::milliseconds timeout) {
    if (timeout == applied_) return;  // a listener's requests all carry the same: set once
    socket_.setSendTimeout(span(timeout));
    socket_.setReceiveTimeout(span(timeout));
    applied_ = timeout;
}

bool webhook_connection::send(const std::string& request, std::chrono::milliseconds timeout, exchange_error& error) {
    try {
        set_timeouts(timeout);
        std::size_t sent = 0;
        while (sent < request.size()) {
            const int n = socket_.sendBytes(request.data() + sent, static_cast<int>(request.size() - sent));
            if (n <= 0) throw Poco::Net::ConnectionResetException("the receiver stopped taking data");
            sent += static_cast<std::size_t>(n);
        }
        return true;
    } catch (const Poco::TimeoutException&) {
        error = {"sending the request timed out after " + std::to_string(timeout.count()) + " ms", false};
    } catch (const Poco::Exception& e) {
        // Reset, aborted, broken pipe (POCO has no class of its own for EPIPE): no answer can
        // have come, so on a kept-alive connection it may be the receiver's close meanwhile.
        error = {e.displayText(), true};
    }
    return false;
}

void webhook_connection::wait_readable(std::chrono::milliseconds timeout) {
    if (tls_) return;
    // poll(2) itself: POCO's Socket::poll builds an epoll set for each call (four system calls).
    pollfd p{socket_.impl()->sockfd(), POLLIN, 0};
    while (::poll(&p, 1, static_cast<int>(std::max<long long>(timeout.count(), 0))) < 0 && errno == EINTR) {
    }
}

bool webhook_connection::receive(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout,
                                 webhook_answer& answer, exchange_error& error) {
    using clock = std::chrono::steady_clock;
    response_reader reader;
    buffer_.clear();
    char chunk[16384];
    try {
        // The socket's timeout bounds each read. It is set only when it must change — raised to
        // what is left, or lowered when it would overshoot by more than a tenth — so the usual
        // answer, read within its budget, costs no setsockopt.
        const auto left = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()),
                                   std::chrono::milliseconds(1));
        if (applied_ < left || left.count() * 10 < applied_.count() * 9) set_timeouts(left);
        for (;;) {
            const int n = socket_.receiveBytes(chunk, sizeof chunk);
            if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
            switch (reader.feed(buffer_, n <= 0)) {
            case response_reader::status::complete:
                answer = std::move(reader.answer());
                return true;
            case response_reader::status::bad:
                error = {reader.why(), n <= 0 && buffer_.empty()};
                return false;
            case response_reader::status::incomplete:
                break;
            }
            // The socket's timeout bounds each read; a receiver that trickles bytes is held to
            // the whole answer's deadline by shortening it for the reads that remain.
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) throw Poco::TimeoutException();
            if (left < applied_) set_timeouts(left);
        }
    } catch (const Poco::TimeoutException&) {
        error = {"no whole answer within " + std::to_string(timeout.count()) + " ms", false};
    } catch (const Poco::Net::ConnectionResetException& e) {
        error = {e.displayText(), buffer_.empty()};
    } catch (const Poco::Exception& e) {
        error = {e.displayText(), false};
    }
    return false;
}

}  // namespace herald::http
