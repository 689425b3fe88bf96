#pragma once
// Sends rendered webhooks over pooled keep-alive connections and says how each went.
#include "connection_pool.hpp"
#include "webhook_request.hpp"

#include <herald/result.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace herald::http {

/// One request to send, with the listener's transport settings.
struct outgoing {
    const webhook_request* request;
    std::chrono::milliseconds timeout;
    std::string ca_path;  // "" = the system trust store
};

class http_sender {
public:
    explicit http_sender(std::size_t max_connections_per_destination) : pool_(max_connections_per_destination) {}

    herald::sdk::delivery_result send(const webhook_request& request, std::chrono::milliseconds timeout,
                                      const std::string& ca_path);

    /// Sends all of `batch` with their round trips overlapped: each request goes out on its own
    /// connection before any answer is read, as many at once as the destination's bound allows
    /// (the rest follow in further rounds). One thread thus keeps a whole batch in flight without
    /// a thread — and a context switch — per request. results[i] answers batch[i].
    std::vector<herald::sdk::delivery_result> send_all(const std::vector<outgoing>& batch);

private:
    connection_pool pool_;
};

}  // namespace herald::http
