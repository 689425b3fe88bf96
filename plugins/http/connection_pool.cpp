#include "connection_pool.hpp"

namespace herald::http {

Poco::Net::Context::Ptr connection_pool::context_for(const std::string& ca_path) {
    std::lock_guard lock(mutex_);
    auto it = contexts_.find(ca_path);
    if (it != contexts_.end()) return it->second;
    // Verification is always on: VERIFY_RELAXED on a client verifies the server's chain, and
    // POCO also checks the host name. With ca_path, only that bundle is trusted.
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_path,
                                                         Poco::Net::Context::VERIFY_RELAXED, 9, ca_path.empty());
    contexts_.emplace(ca_path, ctx);
    return ctx;
}

connection_pool::lease connection_pool::acquire(const destination& d, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    auto& s = slots_[d];
    lease l;
    if (!freed_.wait_for(lock, wait, [&] { return !s.idle.empty() || s.in_use < max_; })) return l;
    ++s.in_use;
    l.granted = true;
    if (!s.idle.empty()) {
        l.idle = std::move(s.idle.back());
        s.idle.pop_back();
    }
    return l;
}

std::unique_ptr<webhook_connection> connection_pool::open(const destination& d, std::chrono::milliseconds timeout) {
    return std::make_unique<webhook_connection>(d, d.scheme == "https" ? context_for(d.ca_path) : nullptr, timeout);
}

void connection_pool::release(const destination& d, std::unique_ptr<webhook_connection> c) {
    {
        std::lock_guard lock(mutex_);
        auto& s = slots_[d];
        --s.in_use;
        if (c) s.idle.push_back(std::move(c));
    }
    freed_.notify_one();
}

void connection_pool::drop_idle(const destination& d) {
    std::vector<std::unique_ptr<webhook_connection>> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(slots_[d].idle);
    }
    // Closed here, outside the lock: a TLS connection's close writes to its socket.
}

}  // namespace herald::http
