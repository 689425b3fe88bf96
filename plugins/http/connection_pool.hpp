#pragma once
// Keep-alive connections reused per destination (scheme, host, port, CA bundle) and bounded per
// destination, so a burst to one receiver opens at most N connections and a slow receiver
// cannot take every socket.
#include "webhook_connection.hpp"

#include <Poco/Net/Context.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace herald::http {

class connection_pool {
public:
    explicit connection_pool(std::size_t max_per_destination) : max_(max_per_destination) {}

    /// A place among `d`'s connections, waiting up to `wait` while all are taken.
    struct lease {
        bool granted = false;                      // false: still all taken after `wait`
        std::unique_ptr<webhook_connection> idle;  // a kept-alive one; null: open() one
    };
    lease acquire(const destination& d, std::chrono::milliseconds wait);
    /// A new connection for a granted lease without an idle one; throws a Poco::Exception that
    /// says why it could not connect. Connects outside the pool's lock.
    std::unique_ptr<webhook_connection> open(const destination& d, std::chrono::milliseconds timeout);
    /// Ends a lease; `c` (null when the exchange failed) is kept for the next request.
    void release(const destination& d, std::unique_ptr<webhook_connection> c);
    /// Closes `d`'s idle connections: one of them turned out closed by the receiver, and the
    /// others, kept alive alongside it, most likely are too (the receiver restarted, or its idle
    /// timeout ran out for all of them).
    void drop_idle(const destination& d);

private:
    struct slot {
        std::vector<std::unique_ptr<webhook_connection>> idle;
        std::size_t in_use = 0;
    };
    Poco::Net::Context::Ptr context_for(const std::string& ca_path);

    std::size_t max_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::map<destination, slot> slots_;
    std::map<std::string, Poco::Net::Context::Ptr> contexts_;
};

}  // namespace herald::http
