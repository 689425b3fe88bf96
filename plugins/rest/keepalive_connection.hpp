#pragma once
// POCO's HTTP connection loop for HTTPS connections (plain HTTP is the event loops'), with the
// connections it serves registered so that stopping the server can end their keep-alive waits
// at once instead of waiting out the timeout. TLS records are not HTTP bytes, and the TLS layer
// may hold decrypted bytes the kernel no longer sees: these connections read through POCO's
// TLS socket and wait with POCO's own wait.
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <mutex>
#include <set>
#include <string>

namespace herald::rest {

/// The connections being served, so that stopping the server can cut idle keep-alive waits
/// short instead of waiting out their timeout.
class open_connections {
public:
    /// false once shutdown_all has run: the connection should end at once.
    bool add(Poco::Net::StreamSocket* s);
    void remove(Poco::Net::StreamSocket* s);
    /// Shuts every open connection down (their loops then end) and refuses new ones.
    void shutdown_all();

private:
    mutable std::mutex mutex_;
    std::set<Poco::Net::StreamSocket*> sockets_;
    bool stopping_ = false;
};

class keepalive_session;

class keepalive_connection final : public Poco::Net::TCPServerConnection {
public:
    keepalive_connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                         Poco::Net::HTTPRequestHandlerFactory::Ptr factory, open_connections& open);
    void run() override;

private:
    /// Reads, handles and answers one request; false when the connection is to end.
    bool serve_one(keepalive_session& s, bool can_keep_alive);

    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    open_connections& open_;
    std::string server_;  // the Server header, if any
};

class keepalive_connection_factory final : public Poco::Net::TCPServerConnectionFactory {
public:
    keepalive_connection_factory(Poco::Net::HTTPServerParams::Ptr params,
                                 Poco::Net::HTTPRequestHandlerFactory::Ptr factory, open_connections& open)
        : params_(std::move(params)), factory_(std::move(factory)), open_(open) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new keepalive_connection(socket, params_, factory_, open_);
    }

private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
    open_connections& open_;
};

}  // namespace herald::rest
