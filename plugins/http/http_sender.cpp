#include "http_sender.hpp"

#include "outcome.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

#include <istream>
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

}  // namespace

delivery_result http_sender::send(const webhook_request& request, std::chrono::milliseconds timeout,
                                  const std::string& ca_path) {
    const Poco::URI uri(request.url);
    const destination d{uri.getScheme(), uri.getHost(), uri.getPort(), ca_path};
    const std::string where = redact_url(request.url);
    std::string target = uri.getPathEtc();
    if (target.empty()) target = "/";

    for (int round = 0; round < 2; ++round) {
        bool reused = false;
        auto session = pool_.acquire(d, timeout, reused);
        if (!session)
            return delivery_result::retry("every connection to " + d.scheme + "://" + d.host + ":" +
                                          std::to_string(d.port) + " stayed busy for " +
                                          std::to_string(timeout.count()) + " ms");
        session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
        try {
            Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
            req.setKeepAlive(true);
            for (const auto& [name, value] : request.headers) req.set(name, value);
            req.setContentLength(static_cast<std::streamsize>(request.body.size()));
            session->sendRequest(req).write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
            Poco::Net::HTTPResponse resp;
            std::istream& in = session->receiveResponse(resp);
            std::string excerpt;
            const bool drained = read_response(in, excerpt);
            const int status = static_cast<int>(resp.getStatus());
            const std::string retry_after = resp.get("Retry-After", "");
            pool_.release(d, std::move(session), drained && resp.getKeepAlive());
            auto result = classify(status, request.url, retry_after, std::chrono::system_clock::now());
            result.with_response(std::move(excerpt));
            return result;
        } catch (const Poco::Exception& e) {
            pool_.release(d, nullptr, false);
            if (reused && round == 0 && stale_connection(e)) continue;  // once more on a fresh connection
            return delivery_result::retry("cannot deliver to " + where + ": " + e.displayText());
        } catch (const std::exception& e) {
            pool_.release(d, nullptr, false);
            return delivery_result::retry("cannot deliver to " + where + ": " + e.what());
        }
    }
    return delivery_result::retry("cannot deliver to " + where + ": the connection was closed twice");
}

}  // namespace herald::http
