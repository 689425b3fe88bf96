#include "connection_pool.hpp"

#include "coalescing_session.hpp"

#include <Poco/Net/HTTPSClientSession.h>

namespace herald::http {

Poco::Net::Context::Ptr connection_pool::context_for(const std::string& ca_path) {
    auto it = contexts_.find(ca_path);
    if (it != contexts_.end()) return it->second;
    // Verification is always on: VERIFY_RELAXED on a client verifies the server's chain, and
    // POCO also checks the host name. With ca_path, only that bundle is trusted.
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_path,
                                                         Poco::Net::Context::VERIFY_RELAXED, 9, ca_path.empty());
    contexts_.emplace(ca_path, ctx);
    return ctx;
}

std::unique_ptr<Poco::Net::HTTPClientSession> connection_pool::open(const destination& d) {
    std::unique_ptr<Poco::Net::HTTPClientSession> s;
    if (d.scheme == "https")
        s = std::make_unique<coalescing_session<Poco::Net::HTTPSClientSession>>(d.host, d.port, context_for(d.ca_path));
    else
        s = std::make_unique<coalescing_session<Poco::Net::HTTPClientSession>>(d.host, d.port);
    s->setKeepAlive(true);  // POCO sessions close after each exchange unless told otherwise
    return s;
}

std::unique_ptr<Poco::Net::HTTPClientSession> connection_pool::acquire(const destination& d,
                                                                       std::chrono::milliseconds wait, bool& reused) {
    std::unique_lock lock(mutex_);
    auto& s = slots_[d.key()];
    if (!freed_.wait_for(lock, wait, [&] { return !s.idle.empty() || s.in_use < max_; })) return nullptr;
    ++s.in_use;
    if (!s.idle.empty()) {
        auto session = std::move(s.idle.back());
        s.idle.pop_back();
        reused = true;
        return session;
    }
    reused = false;
    return open(d);
}

void connection_pool::release(const destination& d, std::unique_ptr<Poco::Net::HTTPClientSession> session,
                              bool reusable) {
    {
        std::lock_guard lock(mutex_);
        auto& s = slots_[d.key()];
        --s.in_use;
        if (reusable && session) s.idle.push_back(std::move(session));
    }
    freed_.notify_one();
}


}  // namespace herald::http
