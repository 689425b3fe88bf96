#pragma once
// One long-lived AMQP 0-9-1 connection and channel (rabbitmq-c) with publisher confirms.
// publish() returns only once the broker has acked (ok) or it is clear that it will not (retry);
// a broken connection is dropped and reopened on the next publish, so a broker restart costs
// the deliveries in flight one retry. Concurrent publishes are pipelined: the first caller
// publishes everything queued meanwhile and collects all their confirms in one round trip
// (rabbitmq-c connections are single-threaded, so only that caller touches the connection).
#include <herald/result.hpp>

#include <amqp.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>
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

private:
    struct pending {
        const message* m;
        herald::sdk::delivery_result result;
        bool done = false;
        bool resolved = false;
    };
    void publish_batch(std::vector<pending*>& batch);
    void wait_for_confirms(std::map<uint64_t, pending*>& unconfirmed);  // throws
    void connect();                          // throws std::runtime_error
    void disconnect();
    void open_channel();                     // throws
    void ensure_exchange(const std::string& name);  // throws
    void check_rpc(const char* what);        // throws; reopens the channel after a channel error
    std::string where() const;

    broker_settings s_;
    std::mutex queue_mutex_;
    std::condition_variable batch_done_;
    std::vector<pending*> queue_;
    bool publishing_ = false;
    std::mutex mutex_;  // the connection: held by the one caller publishing a batch
    amqp_connection_state_t conn_ = nullptr;
    amqp_channel_t channel_ = 0;
    uint64_t next_tag_ = 1;
    std::set<std::string> declared_;  // exchanges known to exist on this connection
    std::string host_;
    int port_ = 0;
};

}  // namespace herald::amqp
