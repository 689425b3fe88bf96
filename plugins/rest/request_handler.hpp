#pragma once
// One HTTP request: route it, authorize it through the host, read the body within its limit,
// call the host and write the answer in Pulp's shapes.
#include <herald/sdk.hpp>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace herald::rest {

struct handler_settings {
    std::size_t max_body_bytes = 1 << 20;
};

class request_handler final : public Poco::Net::HTTPRequestHandler {
public:
    request_handler(const herald::sdk::host& host, const handler_settings& settings)
        : host_(host), settings_(settings) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    const herald::sdk::host& host_;
    const handler_settings& settings_;
};

class handler_factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    handler_factory(const herald::sdk::host& host, handler_settings settings) : host_(host), settings_(settings) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new request_handler(host_, settings_);
    }

private:
    const herald::sdk::host& host_;
    handler_settings settings_;
};

}  // namespace herald::rest
