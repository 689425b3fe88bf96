#pragma once
// POCO's side of a request on a connection thread (HTTPS): reads it into an api_request within
// the body limit, has api_handler answer it, and writes the answer with POCO's response.
#include "api_handler.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace herald::rest {

class request_handler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit request_handler(const api_handler& api) : api_(api) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
    const api_handler& api_;
};

class handler_factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit handler_factory(const api_handler& api) : api_(api) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new request_handler(api_);
    }

private:
    const api_handler& api_;
};

}  // namespace herald::rest
