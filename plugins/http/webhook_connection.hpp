#pragma once
// One connection to a receiver: a POCO socket (TLS through POCO's SecureStreamSocket) that Herald
// writes whole requests to and reads answers from with its own framing (response_reader.hpp).
//
// POCO's HTTPClientSession formats each request through std::ostream, sends header and body
// with separate writes and reads the answer's head a character at a time through stream
// buffers; in P1's profile the client was a third of heraldd (bench/RESULTS.md). Here a request
// is one buffer and one send, and an answer comes in as few reads as the kernel allows.
#include "response_reader.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <string>
#include <tuple>

namespace herald::http {

struct destination {
    std::string scheme;
    std::string host;
    unsigned short port = 0;
    std::string ca_path;  // "" = the system trust store
    /// The pool's order; compared field by field, not as a string built for every lease.
    bool operator<(const destination& o) const {
        return std::tie(port, host, scheme, ca_path) < std::tie(o.port, o.host, o.scheme, o.ca_path);
    }
};

/// Why an exchange failed; `lost_before_answer`: the connection was closed or reset before any
/// byte of an answer came, which on a kept-alive connection means the receiver had closed it
/// meanwhile — the request may be sent again on a fresh one.
struct exchange_error {
    std::string message;
    bool lost_before_answer = false;
};

class webhook_connection {
public:
    /// Connects (and for https, handshakes and verifies the certificate for `d.host`); throws a
    /// Poco::Exception that says why not. `tls` is null for http.
    webhook_connection(const destination& d, const Poco::Net::Context::Ptr& tls, std::chrono::milliseconds timeout);

    /// Sends `request` whole. False with `error` set when it could not.
    bool send(const std::string& request, std::chrono::milliseconds timeout, exchange_error& error);
    /// Reads the answer to the request sent, whole by `deadline` (the request's `timeout` after it
    /// went out; an answer already here is read even after it). False with `error` set when no
    /// whole answer came.
    bool receive(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout,
                 webhook_answer& answer, exchange_error& error);

    /// Waits up to `timeout` until an answer's first bytes (or the receiver's close) can be read,
    /// without reading them. Returns at once for https, whose bytes may already wait decrypted
    /// inside TLS where the socket cannot show them.
    void wait_readable(std::chrono::milliseconds timeout);

private:
    void set_timeouts(std::chrono::milliseconds timeout);

    Poco::Net::StreamSocket socket_;
    bool tls_ = false;
    std::chrono::milliseconds applied_{-1};  // the socket's send/receive timeout now
    std::string buffer_;
};

}  // namespace herald::http
