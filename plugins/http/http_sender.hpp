#pragma once
// Sends one rendered webhook over a pooled keep-alive connection and says how it went.
#include "connection_pool.hpp"
#include "webhook_request.hpp"

#include <herald/result.hpp>

namespace herald::http {

class http_sender {
public:
    explicit http_sender(std::size_t max_connections_per_destination) : pool_(max_connections_per_destination) {}

    herald::sdk::delivery_result send(const webhook_request& request, std::chrono::milliseconds timeout,
                                      const std::string& ca_path);

private:
    connection_pool pool_;
};

}  // namespace herald::http
