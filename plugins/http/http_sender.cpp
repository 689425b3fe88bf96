#include "http_sender.hpp"

#include "coalescing_session.hpp"
#include "outcome.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

#include <istream>
#include <optional>
#include <ostream>

namespace herald::http {

using herald::sdk::delivery_result;

namespace {

constexpr std::size_t k_excerpt_bytes = 4096;
constexpr std::size_t k_max_drain_bytes = 1 << 20;  // larger answers close the connection instead

/// Reads the answer: keeps the first 4 KiB, drains the rest so the connection can be reused.
bool read_response(std::istream& in, std::string& excerpt) {
    char buf[8192];
    std::size_t total = 0;
    while (in) {
        in.read(buf, sizeof buf);
        const auto n = static_cast<std::size_t>(in.gcount());
        if (excerpt.size() < k_excerpt_bytes) excerpt.append(buf, std::min(n, k_excerpt_bytes - excerpt.size()));
        total += n;
        if (total > k_max_drain_bytes) return false;
    }
    return in.eof();
}

// A kept-alive connection the server closed in the meantime fails like this before any answer.
bool stale_connection(const Poco::Exception& e) {
    return dynamic_cast<const Poco::Net::NoMessageException*>(&e) ||
           dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) ||
           dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) ||
           dynamic_cast<const Poco::Net::MessageException*>(&e);
}

/// Puts the POST on the wire now — header and body in one send — not when its answer is read.
void write_request(Poco::Net::HTTPClientSession& session, const std::string& target, const webhook_request& r) {
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    for (const auto& [name, value] : r.headers) req.set(name, value);
    req.setContentLength(static_cast<std::streamsize>(r.body.size()));
    auto* coalescer = dynamic_cast<write_coalescer*>(&session);
    if (coalescer) coalescer->hold_next();
    std::ostream& body = session.sendRequest(req);
    body.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    body.flush();
    if (coalescer) coalescer->release();
}

/// Reads the answer and says what it means; `reusable`: the connection may carry another.
delivery_result read_answer(Poco::Net::HTTPClientSession& session, const std::string& url, bool& reusable) {
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    std::string excerpt;
    reusable = read_response(in, excerpt) && resp.getKeepAlive();
    auto result = classify(static_cast<int>(resp.getStatus()), url, resp.get("Retry-After", ""),
                           std::chrono::system_clock::now());
    result.with_response(std::move(excerpt));
    return result;
}

/// One request of a batch on its way.
struct exchange {
    std::size_t index;
    destination where;
    std::string target;  // path and query
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    bool reused = false;
    bool second_try = false;  // already failed once on a stale kept-alive connection
};

}  // namespace

delivery_result http_sender::send(const webhook_request& request, std::chrono::milliseconds timeout,
                                  const std::string& ca_path) {
    return std::move(send_all({outgoing{&request, timeout, ca_path}}).front());
}

std::vector<delivery_result> http_sender::send_all(const std::vector<outgoing>& batch) {
    std::vector<std::optional<delivery_result>> results(batch.size());
    auto fail = [&](exchange& x, const std::string& why) {
        pool_.release(x.where, nullptr, false);
        x.session.reset();
        results[x.index] = delivery_result::retry("cannot deliver to " + redact_url(batch[x.index].request->url) +
                                                  ": " + why);
    };
    // A stale kept-alive connection gets the request once more, on a fresh connection, next round.
    auto stale_or_fail = [&](exchange& x, const Poco::Exception& e, std::vector<exchange>& next) {
        const bool again = x.reused && !x.second_try && stale_connection(e);
        fail(x, e.displayText());
        if (again) {
            results[x.index].reset();
            x.second_try = true;
            next.push_back(std::move(x));
        }
    };

    std::vector<exchange> waiting;
    waiting.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        // A batch is one listener's: its URL is parsed once, not once per event.
        if (i > 0 && batch[i].request->url == batch[i - 1].request->url && batch[i].ca_path == batch[i - 1].ca_path) {
            waiting.push_back({i, waiting.back().where, waiting.back().target});
            continue;
        }
        const Poco::URI uri(batch[i].request->url);
        std::string target = uri.getPathEtc();
        waiting.push_back({i, destination{uri.getScheme(), uri.getHost(), uri.getPort(), batch[i].ca_path},
                           target.empty() ? "/" : target});
    }
    while (!waiting.empty()) {
        std::vector<exchange> sent, next;
        for (auto& x : waiting) {
            const outgoing& out = batch[x.index];
            // Only a round's first request may wait for a free connection: a later one would be
            // waiting for a connection this very round holds.
            x.session = pool_.acquire(x.where, sent.empty() ? out.timeout : std::chrono::milliseconds(0), x.reused);
            if (!x.session) {
                if (!sent.empty()) {
                    next.push_back(std::move(x));
                    continue;
                }
                results[x.index] = delivery_result::retry(
                    "every connection to " + x.where.scheme + "://" + x.where.host + ":" +
                    std::to_string(x.where.port) + " stayed busy for " + std::to_string(out.timeout.count()) + " ms");
                continue;
            }
            x.session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(out.timeout.count()) * 1000));
            try {
                write_request(*x.session, x.target, *out.request);
                sent.push_back(std::move(x));
            } catch (const Poco::Exception& e) {
                stale_or_fail(x, e, next);
            } catch (const std::exception& e) {
                fail(x, e.what());
            }
        }
        for (auto& x : sent) {
            try {
                bool reusable = false;
                results[x.index] = read_answer(*x.session, batch[x.index].request->url, reusable);
                pool_.release(x.where, std::move(x.session), reusable);
            } catch (const Poco::Exception& e) {
                stale_or_fail(x, e, next);
            } catch (const std::exception& e) {
                fail(x, e.what());
            }
        }
        waiting = std::move(next);
    }
    std::vector<delivery_result> out;
    out.reserve(results.size());
    for (auto& r : results) out.push_back(std::move(*r));
    return out;
}

}  // namespace herald::http
