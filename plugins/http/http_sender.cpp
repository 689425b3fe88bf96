#include "http_sender.hpp"

#include "outcome.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <optional>

namespace herald::http {

using herald::sdk::delivery_result;

namespace {

/// One request of a batch on its way.
struct exchange {
    std::size_t index;
    const destination* where;
    const std::string* bytes;  // the whole request, rendered once
    std::unique_ptr<webhook_connection> connection;
    bool reused = false;
    bool second_try = false;  // already lost once on a stale kept-alive connection
    std::chrono::steady_clock::time_point deadline{};  // for the whole answer, from the send
};

/// Where a listener's URL points, parsed once per batch, and its requests' fixed parts.
struct route {
    destination where;
    std::string target;  // path and query
    std::string host;    // the Host header
};

route route_of(const outgoing& out) {
    const Poco::URI uri(out.request->url);
    route r{destination{uri.getScheme(), uri.getHost(), uri.getPort(), out.ca_path}, uri.getPathAndQuery(), {}};
    if (r.target.empty()) r.target = "/";
    r.host = host_header(r.where.scheme, r.where.host, r.where.port);
    return r;
}

}  // namespace

delivery_result http_sender::send(const webhook_request& request, std::chrono::milliseconds timeout,
                                  const std::string& ca_path) {
    return std::move(send_all({outgoing{&request, timeout, ca_path}}).front());
}

std::vector<delivery_result> http_sender::send_all(const std::vector<outgoing>& batch) {
    std::vector<std::optional<delivery_result>> results(batch.size());
    std::vector<route> routes;  // a batch is one listener's: usually one route
    std::vector<std::string> bytes(batch.size());
    std::vector<exchange> waiting;
    waiting.reserve(batch.size());
    routes.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const bool same = i > 0 && batch[i].request->url == batch[i - 1].request->url &&
                          batch[i].ca_path == batch[i - 1].ca_path;
        if (!same) routes.push_back(route_of(batch[i]));
        bytes[i] = wire_bytes(*batch[i].request, routes.back().target, routes.back().host);
        waiting.push_back({i, &routes.back().where, &bytes[i]});
    }
    auto cannot = [&](const exchange& x, const std::string& why) {
        results[x.index] = delivery_result::retry("cannot deliver to " + redact_url(batch[x.index].request->url) +
                                                  ": " + why);
    };
    // An exchange that failed: its connection is dropped; a kept-alive one the receiver had closed
    // meanwhile gets the request once more next round. The destination's other idle connections
    // go with it — kept alive alongside the stale one, they are most likely stale too, and a
    // resend on one of them would fail the same way — so the resend gets a fresh connection, or
    // one that this batch has just used.
    auto failed = [&](exchange& x, const exchange_error& e, std::vector<exchange>& next) {
        pool_.release(*x.where, nullptr);
        x.connection.reset();
        if (x.reused && e.lost_before_answer) {
            pool_.drop_idle(*x.where);
            if (!x.second_try) {
                x.second_try = true;
                next.push_back(std::move(x));
                return;
            }
        }
        cannot(x, e.message);
    };

    while (!waiting.empty()) {
        std::vector<exchange> sent, next;
        for (auto& x : waiting) {
            const outgoing& out = batch[x.index];
            // Only a round's first request may wait for a free connection: a later one would be
            // waiting for a connection this very round holds.
            auto lease = pool_.acquire(*x.where, sent.empty() ? out.timeout : std::chrono::milliseconds(0));
            if (!lease.granted) {
                if (!sent.empty()) {
                    next.push_back(std::move(x));
                    continue;
                }
                cannot(x, "every connection to " + x.where->scheme + "://" + x.where->host + ":" +
                              std::to_string(x.where->port) + " stayed busy for " + std::to_string(out.timeout.count()) +
                              " ms");
                continue;
            }
            x.reused = lease.idle != nullptr;
            x.connection = std::move(lease.idle);
            if (!x.connection) {
                try {
                    x.connection = pool_.open(*x.where, out.timeout);
                } catch (const Poco::Exception& e) {
                    pool_.release(*x.where, nullptr);
                    cannot(x, e.displayText());
                    continue;
                }
            }
            exchange_error error;
            if (x.connection->send(*x.bytes, out.timeout, error)) {
                x.deadline = std::chrono::steady_clock::now() + out.timeout;
                sent.push_back(std::move(x));
            } else {
                failed(x, error, next);
            }
        }
        // The batch returns when its last answer is in, and a receiver answers in about the order
        // it was asked: so the worker sleeps once, until the last-sent request's answer can be
        // read, instead of once for each answer not yet there when it gets to it. Each sleep
        // and wake-up was a context switch of several µs on this VM (P1: 70 % of the workers'
        // recv time was spent switching, RESULTS.md eighth session).
        if (sent.size() > 1)
            sent.back().connection->wait_readable(std::chrono::duration_cast<std::chrono::milliseconds>(
                sent.back().deadline - std::chrono::steady_clock::now()));
        for (auto& x : sent) {
            webhook_answer answer;
            exchange_error error;
            if (!x.connection->receive(x.deadline, batch[x.index].timeout, answer, error)) {
                failed(x, error, next);
                continue;
            }
            auto result = classify(answer.status, batch[x.index].request->url, answer.retry_after,
                                   std::chrono::system_clock::now());
            result.with_response(std::move(answer.excerpt));
            results[x.index] = std::move(result);
            pool_.release(*x.where, answer.keep_alive ? std::move(x.connection) : nullptr);
        }
        waiting = std::move(next);
    }
    std::vector<delivery_result> out;
    out.reserve(results.size());
    for (auto& r : results) out.push_back(std::move(*r));
    return out;
}

}  // namespace herald::http
