// The REST API as a service plugin: Pulp 2's /pulp/api/v2/events/ and Herald's additions. Plain
// HTTP is served by event loops (event_loop.hpp) with a worker pool for whatever may block;
// HTTPS by POCO's TCPServer, a thread per connection, with an HTTP/1.1 keep-alive loop of
// Herald's. Everything it does goes through the SDK's host API.
#include "api_handler.hpp"
#include "event_loop.hpp"
#include "keepalive_connection.hpp"
#include "request_handler.hpp"
#include "worker_pool.hpp"

#include <herald/sdk.hpp>
#include <herald_plugin_files.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <memory>
#include <vector>

namespace herald::rest {

class rest_service {
public:
    static constexpr const char* type_id = "rest";
    static constexpr const char* version = "1.0.0";
    static constexpr const char* description = "Pulp 2 compatible REST API (/pulp/api/v2/) over HTTP or HTTPS";
    static constexpr const char* schema = herald_generated::schema_json;
    static constexpr const char* documentation = herald_generated::documentation;

    rest_service(const sdk::host& host, const nlohmann::json& config) : host_(host), cfg_(config.at("server")) {}

    void start() {
        const std::string host = cfg_["host"].get<std::string>();
        const auto port = static_cast<Poco::UInt16>(cfg_["port"].get<int>());
        const Poco::Net::SocketAddress address(host, port);
        const bool tls = cfg_["tls"]["cert"].is_string() && cfg_["tls"]["key"].is_string();
        if (tls) {
            Poco::Net::initializeSSL();
            // POCO's argument order is key file, then certificate file.
            Poco::Net::Context::Ptr context = new Poco::Net::Context(
                Poco::Net::Context::TLS_SERVER_USE, cfg_["tls"]["key"].get<std::string>(),
                cfg_["tls"]["cert"].get<std::string>(), "", Poco::Net::Context::VERIFY_NONE);
            socket_ = std::make_unique<Poco::Net::SecureServerSocket>(address, 128, context);
        } else {
            socket_ = std::make_unique<Poco::Net::ServerSocket>(address, 128);
        }
        const int threads = cfg_["threads"].get<int>();
        handler_settings settings;
        settings.max_body_bytes = cfg_["max_body_bytes"].get<std::size_t>();
        api_ = std::make_unique<api_handler>(host_, settings);
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(threads);
        params->setMaxQueued(cfg_["max_queued"].get<int>());
        params->setKeepAlive(true);
        if (tls) {
            // TLS records are not HTTP bytes: POCO's threads read them through its TLS layer.
            pool_ = std::make_unique<Poco::ThreadPool>(std::min(2, threads), threads);
            server_ = std::make_unique<Poco::Net::TCPServer>(
                new keepalive_connection_factory(params, new handler_factory(*api_), open_), *pool_, *socket_,
                params);
            server_->start();
        } else {
            workers_ = std::make_unique<worker_pool>(threads, cfg_["max_queued"].get<int>());
            socket_->setBlocking(false);
            loop_settings ls;
            ls.keep_alive_timeout = std::chrono::milliseconds(params->getKeepAliveTimeout().totalMilliseconds());
            ls.server = params->getSoftwareVersion();
            const int loops = cfg_["loop_threads"].get<int>();
            for (int i = 0; i < loops; ++i)
                loops_.push_back(std::make_unique<event_loop>(host_, *api_, *workers_, socket_->impl()->sockfd(), ls));
            for (auto& l : loops_) l->start();
        }
        const auto real_port = socket_->address().port();
        host_.announce_listening(std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(real_port));
    }

    void stop() {
        if (server_) {
            server_->stop();        // stop accepting
            open_.shutdown_all();   // end the keep-alive waits of open connections
            pool_->joinAll();
            server_.reset();
            pool_.reset();
        }
        // Loops first: they answer the requests in progress, some of which are with the workers.
        for (auto& l : loops_) l->begin_stop();
        for (auto& l : loops_) l->join();
        loops_.clear();
        if (workers_) workers_->stop();
        workers_.reset();
        socket_.reset();
    }

private:
    sdk::host host_;
    nlohmann::json cfg_;
    std::unique_ptr<api_handler> api_;
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    // HTTP
    std::unique_ptr<worker_pool> workers_;
    std::vector<std::unique_ptr<event_loop>> loops_;
    // HTTPS
    std::unique_ptr<Poco::ThreadPool> pool_;
    open_connections open_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace herald::rest

HERALD_SERVICE_PLUGIN(herald::rest::rest_service)
