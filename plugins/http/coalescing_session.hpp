#pragma once
// A POCO client session that puts a request's header and body on the wire in one send.
//
// HTTPClientSession writes the header when sendRequest returns and the body when its stream is
// flushed: two system calls and, with TCP_NODELAY, two packets per webhook. A sender that has a
// whole batch in flight pays that twice per request (bench/RESULTS.md). Held between
// hold_next() and release(), the header is kept back and sent together with the body.
#include <Poco/Net/HTTPClientSession.h>

#include <string>

namespace herald::http {

class write_coalescer {
public:
    virtual ~write_coalescer() = default;
    /// Keep the next write (the header) back until the one after it (the body) or release().
    virtual void hold_next() = 0;
    /// Sends whatever is still held (a request without a body).
    virtual void release() = 0;
};

template <class Session>
class coalescing_session final : public Session, public write_coalescer {
public:
    using Session::Session;

    void hold_next() override {
        holding_ = true;
        held_.clear();
    }
    void release() override {
        if (held_.empty()) {
            holding_ = false;
            return;
        }
        std::string pending;
        pending.swap(held_);
        holding_ = false;
        send_all(pending.data(), static_cast<std::streamsize>(pending.size()));
    }

protected:
    int write(const char* buffer, std::streamsize length) override {
        if (holding_ && held_.empty()) {  // the header: keep it back
            held_.assign(buffer, static_cast<std::size_t>(length));
            return static_cast<int>(length);
        }
        if (!held_.empty()) {  // the body: header and body in one send
            held_.append(buffer, static_cast<std::size_t>(length));
            release();
            return static_cast<int>(length);
        }
        return Session::write(buffer, length);
    }

private:
    // The session's own write may send less than asked for a large body; the stream above it
    // would take a short count as an error.
    void send_all(const char* data, std::streamsize length) {
        std::streamsize sent = 0;
        while (sent < length) sent += Session::write(data + sent, length - sent);
    }

    bool holding_ = false;
    std::string held_;
};

}  // namespace herald::http
