#pragma once
// Keep-alive HTTP(S) sessions reused per destination (scheme, host, port, CA bundle) and bounded
// per destination, so a burst to one receiver opens at most N connections and a slow receiver
// cannot take every socket.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace herald::http {

struct destination {
    std::string scheme;
    std::string host;
    unsigned short port = 0;
    std::string ca_path;  // "" = the system trust store
    std::string key() const { return scheme + "://" + host + ":" + std::to_string(port) + "|" + ca_path; }
};

class connection_pool {
public:
    explicit connection_pool(std::size_t max_per_destination) : max_(max_per_destination) {}

    /// A session for `d`: an idle kept-alive one when there is one (`reused` = true), else a new
    /// one. Waits up to `wait` when the destination is at its bound; nullptr if still busy.
    std::unique_ptr<Poco::Net::HTTPClientSession> acquire(const destination& d, std::chrono::milliseconds wait,
                                                          bool& reused);
    /// Returns a session; `reusable` = the exchange completed and the server kept the connection.
    void release(const destination& d, std::unique_ptr<Poco::Net::HTTPClientSession> s, bool reusable);


private:
    struct slot {
        std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle;
        std::size_t in_use = 0;
    };
    std::unique_ptr<Poco::Net::HTTPClientSession> open(const destination& d);
    Poco::Net::Context::Ptr context_for(const std::string& ca_path);

    std::size_t max_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::map<std::string, slot> slots_;
    std::map<std::string, Poco::Net::Context::Ptr> contexts_;
};

}  // namespace herald::http
