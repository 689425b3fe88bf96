#pragma once
// One long-lived AMQP 0-9-1 connection and channel (rabbitmq-c) with publisher confirms.
// publish() returns only once the broker has acked (ok) or it is clear that it will not (retry);
// a broken connection is dropped and reopened on the next publish, so a broker restart costs
// the deliveries in flight one retry.
#include <herald/result.hpp>

#include <amqp.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>

namespace herald::amqp {

struct broker_settings {
    std::string url;      // amqp[s]://user:pass@host:port/vhost
    std::string cacert;   // for amqps; "" = system store
    std::chrono::milliseconds timeout{10000};
};

struct message {
    std::string exchange;
    std::string routing_key;
    std::string body;
    std::string message_id;
};

class amqp_publisher {
public:
    explicit amqp_publisher(broker_settings s);
    ~amqp_publisher();
    amqp_publisher(const amqp_publisher&) = delete;
    amqp_publisher& operator=(const amqp_publisher&) = delete;

    herald::sdk::delivery_result publish(const message& m);
    /// Connections opened so far (one unless the broker went away).
    unsigned connections_opened() const;

private:
    void connect();                          // throws std::runtime_error
    void disconnect();
    void open_channel();                     // throws
    void ensure_exchange(const std::string& name);  // throws
    void check_rpc(const char* what);        // throws; reopens the channel after a channel error
    void wait_for_confirm(uint64_t tag);     // throws
    std::string where() const;

    broker_settings s_;
    mutable std::mutex mutex_;
    amqp_connection_state_t conn_ = nullptr;
    amqp_channel_t channel_ = 0;
    uint64_t next_tag_ = 1;
    std::set<std::string> declared_;  // exchanges known to exist on this connection
    unsigned opened_ = 0;
    std::string host_;
    int port_ = 0;
};

}  // namespace herald::amqp
