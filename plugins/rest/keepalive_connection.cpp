#include "keepalive_connection.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocketImpl.h>
#include <Poco/Timestamp.h>

#include <sys/socket.h>

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

namespace {

/// HTTPServerSession with access to its read buffer: a pipelined request may already be in it.
class session final : public Poco::Net::HTTPServerSession {
public:
    using HTTPServerSession::HTTPServerSession;
    using HTTPServerSession::buffered;
};

void send_error(session& s, Poco::Net::HTTPResponse::HTTPStatus status) {
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
    : TCPServerConnection(socket), params_(std::move(params)), factory_(std::move(factory)), open_(open) {}

void keepalive_connection::run() {
    if (!open_.add(&socket())) return;  // the server is stopping
    struct deregister {
        open_connections& open;
        Poco::Net::StreamSocket* s;
        ~deregister() { open.remove(s); }
    } registered{open_, &socket()};

    session s(socket(), params_);
    const bool tls = dynamic_cast<Poco::Net::SecureStreamSocketImpl*>(socket().impl()) != nullptr;
    if (!tls) socket().setReceiveTimeout(params_->getKeepAliveTimeout());
    const std::string server = params_->getSoftwareVersion();
    int served = 0;
    while (true) {
        if (tls) {
            if (!s.hasMoreRequests()) break;
        } else {
            // Between requests: keep-alive allowed, and a request already buffered or arriving
            // before the keep-alive timeout. recv(MSG_PEEK) leaves the bytes for the parser.
            if (served > 0 && !s.getKeepAlive()) break;
            if (s.buffered() == 0) {
                char byte;
                try {
                    if (socket().impl()->receiveBytes(&byte, 1, MSG_PEEK) <= 0) break;  // closed
                } catch (const Poco::Exception&) {
                    break;  // timed out, reset, or shut down by stop()
                }
            }
        }
        ++served;
        // HTTPServerSession::canKeepAlive counts requests in hasMoreRequests, which this loop
        // replaces: the count is kept here (0 = no limit, POCO's meaning).
        const int most = params_->getMaxKeepAliveRequests();
        const bool can_keep_alive = params_->getKeepAlive() && (most <= 0 || served < most);
        try {
            Poco::Net::HTTPServerResponseImpl response(s);
            Poco::Net::HTTPServerRequestImpl request(response, s, params_);
            response.setDate(Poco::Timestamp());
            response.setVersion(request.getVersion());
            response.setKeepAlive(can_keep_alive && request.getKeepAlive());
            if (!server.empty()) response.set("Server", server);
            std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
            if (!handler) {
                send_error(s, Poco::Net::HTTPResponse::HTTP_NOT_IMPLEMENTED);
                continue;
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
        } catch (const Poco::Net::NoMessageException&) {
            break;  // the client closed between requests
        } catch (const Poco::Net::MessageException&) {
            try {
                send_error(s, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
            } catch (const Poco::Exception&) {
            }
            break;
        } catch (const Poco::Exception&) {
            break;  // the connection failed; nothing more can be said over it
        }
    }
}

}  // namespace herald::rest
