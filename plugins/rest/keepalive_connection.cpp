#include "keepalive_connection.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

#include <memory>

namespace herald::rest {

bool open_connections::add(Poco::Net::StreamSocket* s) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    sockets_.insert(s);
    return true;
}

void open_connections::remove(Poco::Net::StreamSocket* s) {
    std::lock_guard lock(mutex_);
    sockets_.erase(s);
}

void open_connections::shutdown_all() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto* s : sockets_) {
        try {
            s->shutdown();
        } catch (const Poco::Exception&) {
            // already closed by the peer
        }
    }
}

class keepalive_session final : public Poco::Net::HTTPServerSession {
public:
    using HTTPServerSession::HTTPServerSession;
};

namespace {

void send_error(keepalive_session& s, Poco::Net::HTTPResponse::HTTPStatus status) {
    Poco::Net::HTTPServerResponseImpl response(s);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(status);
    response.setKeepAlive(false);
    response.send();
    s.setKeepAlive(false);
}

}  // namespace

keepalive_connection::keepalive_connection(const Poco::Net::StreamSocket& socket,
                                           Poco::Net::HTTPServerParams::Ptr params,
                                           Poco::Net::HTTPRequestHandlerFactory::Ptr factory, open_connections& open)
    : TCPServerConnection(socket),
      params_(std::move(params)),
      factory_(std::move(factory)),
      open_(open),
      server_(params_->getSoftwareVersion()) {}

bool keepalive_connection::serve_one(keepalive_session& s, bool can_keep_alive) {
    try {
        Poco::Net::HTTPServerResponseImpl response(s);
        Poco::Net::HTTPServerRequestImpl request(response, s, params_);
        response.setDate(Poco::Timestamp());
        response.setVersion(request.getVersion());
        response.setKeepAlive(can_keep_alive && request.getKeepAlive());
        if (!server_.empty()) response.set("Server", server_);
        std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
        if (!handler) {
            send_error(s, Poco::Net::HTTPResponse::HTTP_NOT_IMPLEMENTED);
            return true;
        }
        if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
            response.sendContinue();
        try {
            handler->handleRequest(request, response);
        } catch (const Poco::Exception&) {
            if (!response.sent()) send_error(s, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
            throw;
        }
        s.setKeepAlive(can_keep_alive && response.getKeepAlive());
        return true;
    } catch (const Poco::Net::NoMessageException&) {
        return false;  // the client closed between requests
    } catch (const Poco::Net::MessageException&) {
        try {
            send_error(s, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        } catch (const Poco::Exception&) {
        }
        return false;
    } catch (const Poco::Exception&) {
        return false;  // the connection failed; nothing more can be said over it
    }
}

void keepalive_connection::run() {
    if (!open_.add(&socket())) return;  // the server is stopping
    struct deregister {
        open_connections& open;
        Poco::Net::StreamSocket* s;
        ~deregister() { open.remove(s); }
    } registered{open_, &socket()};

    keepalive_session s(socket(), params_);
    // HTTPServerSession::canKeepAlive counts requests in hasMoreRequests; the count is kept
    // here too (0 = no limit, POCO's meaning).
    const int most = params_->getMaxKeepAliveRequests();
    for (int served = 0; s.hasMoreRequests();) {
        ++served;
        if (!serve_one(s, params_->getKeepAlive() && (most <= 0 || served < most))) break;
    }
}

}  // namespace herald::rest
