#pragma once
// A real HTTP(S) receiver on 127.0.0.1:0 for plugin tests: records every request and answers
// with whatever the test sets. Counts distinct client connections to prove keep-alive reuse.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace herald::test {

struct recorded_request {
    std::string method;
    std::string uri;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string client;
};

class http_sink {
public:
    struct answer {
        int status = 200;
        std::map<std::string, std::string> headers;
        std::string body = "ok";
        std::chrono::milliseconds delay{0};
    };

    /// Plain HTTP, or HTTPS with the given PEM key and certificate.
    explicit http_sink(const std::string& key_file = {}, const std::string& cert_file = {}) {
        if (cert_file.empty()) {
            socket_ = std::make_unique<Poco::Net::ServerSocket>(Poco::Net::SocketAddress("127.0.0.1", 0));
        } else {
            Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, key_file,
                                                                 cert_file, "", Poco::Net::Context::VERIFY_NONE);
            socket_ = std::make_unique<Poco::Net::SecureServerSocket>(Poco::Net::SocketAddress("127.0.0.1", 0), 64, ctx);
        }
        auto* params = new Poco::Net::HTTPServerParams;
        params->setKeepAlive(true);
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new factory(*this), *socket_, params);
        server_->start();
    }
    ~http_sink() { server_->stopAll(true); }

    std::string url(const std::string& path = "/hook") const {
        return std::string(dynamic_cast<Poco::Net::SecureServerSocket*>(socket_.get()) ? "https" : "http") +
               "://127.0.0.1:" + std::to_string(socket_->address().port()) + path;
    }
    void respond(answer a) {
        std::lock_guard lock(mutex_);
        answer_ = std::move(a);
    }
    /// Answers each request by what it carries (takes precedence over respond()).
    void respond_with(std::function<answer(const recorded_request&)> f) {
        std::lock_guard lock(mutex_);
        answer_for_ = std::move(f);
    }
    std::vector<recorded_request> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    /// The most requests the sink was handling at the same moment.
    int most_concurrent() const {
        std::lock_guard lock(mutex_);
        return most_active_;
    }
    std::size_t connections() const {
        std::lock_guard lock(mutex_);
        return clients_.size();
    }

private:
    struct handler : Poco::Net::HTTPRequestHandler {
        explicit handler(http_sink& s) : sink(s) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            recorded_request r;
            r.method = req.getMethod();
            r.uri = req.getURI();
            for (const auto& [k, v] : req) {
                std::string lower = k;
                for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                r.headers[lower] = v;
            }
            Poco::StreamCopier::copyToString(req.stream(), r.body);
            r.client = req.clientAddress().toString();
            answer a;
            {
                std::lock_guard lock(sink.mutex_);
                sink.requests_.push_back(r);
                sink.clients_.insert(r.client);
                a = sink.answer_for_ ? sink.answer_for_(r) : sink.answer_;
                ++sink.active_;
                sink.most_active_ = std::max(sink.most_active_, sink.active_);
            }
            if (a.delay.count()) std::this_thread::sleep_for(a.delay);
            resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
            for (const auto& [k, v] : a.headers) resp.set(k, v);
            resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
            {
                std::lock_guard lock(sink.mutex_);
                --sink.active_;
            }
            resp.send() << a.body;
        }
        http_sink& sink;
    };
    struct factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit factory(http_sink& s) : sink(s) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new handler(sink);
        }
        http_sink& sink;
    };

    mutable std::mutex mutex_;
    answer answer_;
    std::function<answer(const recorded_request&)> answer_for_;
    int active_ = 0, most_active_ = 0;
    std::vector<recorded_request> requests_;
    std::set<std::string> clients_;
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace herald::test
