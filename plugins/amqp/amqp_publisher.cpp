#include "amqp_publisher.hpp"

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace herald::amqp {

using herald::sdk::delivery_result;

namespace {

// Thrown when the broker closed only the channel (e.g. a missing exchange on a passive declare).
struct channel_closed : std::runtime_error {
    channel_closed(const std::string& m, int code) : std::runtime_error(m), reply_code(code) {}
    int reply_code;
};

timeval to_timeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<long>(ms.count() / 1000);
    tv.tv_usec = static_cast<long>((ms.count() % 1000) * 1000);
    return tv;
}

std::string bytes(amqp_bytes_t b) { return std::string(static_cast<const char*>(b.bytes), b.len); }

}  // namespace

amqp_publisher::amqp_publisher(broker_settings s) : s_(std::move(s)) {}

amqp_publisher::~amqp_publisher() {
    std::lock_guard lock(mutex_);
    disconnect();
}

std::string amqp_publisher::where() const { return host_ + ":" + std::to_string(port_); }

void amqp_publisher::disconnect() {
    if (!conn_) return;
    amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);  // best effort; the socket may be dead already
    amqp_destroy_connection(conn_);
    conn_ = nullptr;
    channel_ = 0;
    declared_.clear();
}

void amqp_publisher::connect() {
    std::vector<char> buf(s_.url.begin(), s_.url.end());
    buf.push_back('\0');
    amqp_connection_info info{};
    if (amqp_parse_url(buf.data(), &info) != AMQP_STATUS_OK)
        throw std::runtime_error("messaging.url is not an AMQP URL");
    host_ = info.host;
    port_ = info.port;
    conn_ = amqp_new_connection();
    amqp_socket_t* socket = nullptr;
    if (info.ssl) {
        socket = amqp_ssl_socket_new(conn_);
        if (socket && !s_.cacert.empty() && amqp_ssl_socket_set_cacert(socket, s_.cacert.c_str()) != AMQP_STATUS_OK)
            throw std::runtime_error("cannot read the CA bundle " + s_.cacert);
        if (socket) {
            amqp_ssl_socket_set_verify_peer(socket, 1);
            amqp_ssl_socket_set_verify_hostname(socket, 1);
        }
    } else {
        socket = amqp_tcp_socket_new(conn_);
    }
    if (!socket) throw std::runtime_error("cannot create a socket");
    timeval tv = to_timeval(s_.timeout);
    amqp_set_handshake_timeout(conn_, &tv);
    amqp_set_rpc_timeout(conn_, &tv);
    if (int rc = amqp_socket_open_noblock(socket, info.host, info.port, &tv); rc != AMQP_STATUS_OK)
        throw std::runtime_error(std::string("cannot connect to the broker at ") + where() + ": " + amqp_error_string2(rc));
    // Like kombu (which Pulp used), "amqp://host:port/" means the default vhost "/", not "".
    const char* vhost = (info.vhost && *info.vhost) ? info.vhost : "/";
    amqp_rpc_reply_t login = amqp_login(conn_, vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
    if (login.reply_type != AMQP_RESPONSE_NORMAL) {
        std::string why = "the connection was closed";
        if (login.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && login.reply.id == AMQP_CONNECTION_CLOSE_METHOD)
            why = bytes(static_cast<amqp_connection_close_t*>(login.reply.decoded)->reply_text);
        else if (login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION)
            why = amqp_error_string2(login.library_error);
        throw std::runtime_error("the broker at " + where() + " refused the login of user '" + info.user +
                                 "' on vhost '" + vhost + "': " + why);
    }
    open_channel();
}

void amqp_publisher::open_channel() {
    ++channel_;
    amqp_channel_open(conn_, channel_);
    check_rpc("channel.open");
    amqp_confirm_select(conn_, channel_);
    check_rpc("confirm.select");
    next_tag_ = 1;
}

void amqp_publisher::check_rpc(const char* what) {
    amqp_rpc_reply_t r = amqp_get_rpc_reply(conn_);
    if (r.reply_type == AMQP_RESPONSE_NORMAL) return;
    if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* close = static_cast<amqp_channel_close_t*>(r.reply.decoded);
        amqp_channel_close_ok_t ok{};
        amqp_send_method(conn_, channel_, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        const std::string text = bytes(close->reply_text);
        const int code = close->reply_code;
        open_channel();
        throw channel_closed(std::string(what) + " failed: " + text, code);
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION)
        throw std::runtime_error(std::string(what) + " failed: " + amqp_error_string2(r.library_error));
    throw std::runtime_error(std::string(what) + " failed: the broker closed the connection");
}

void amqp_publisher::ensure_exchange(const std::string& name) {
    if (declared_.count(name)) return;
    const amqp_bytes_t ex = amqp_cstring_bytes(name.c_str());
    try {
        // Passive first: amq.* exchanges may not be declared, and an existing exchange is used
        // whatever its flags.
        amqp_exchange_declare(conn_, channel_, ex, amqp_cstring_bytes("topic"), 1, 0, 0, 0, amqp_empty_table);
        check_rpc("exchange.declare");
    } catch (const channel_closed& e) {
        if (e.reply_code != AMQP_NOT_FOUND) throw;
        amqp_exchange_declare(conn_, channel_, ex, amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
        check_rpc("exchange.declare");
    }
    declared_.insert(name);
}

void amqp_publisher::wait_for_confirms(std::map<uint64_t, pending*>& unconfirmed) {
    const auto deadline = std::chrono::steady_clock::now() + s_.timeout;
    while (!unconfirmed.empty()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw std::runtime_error("no publisher confirm within " + std::to_string(s_.timeout.count()) + " ms");
        timeval tv = to_timeval(left);
        amqp_frame_t frame{};
        int rc = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
        if (rc != AMQP_STATUS_OK) throw std::runtime_error(std::string("waiting for confirms: ") + amqp_error_string2(rc));
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        switch (frame.payload.method.id) {
            case AMQP_BASIC_ACK_METHOD:
            case AMQP_BASIC_NACK_METHOD: {
                const bool ack = frame.payload.method.id == AMQP_BASIC_ACK_METHOD;
                uint64_t tag = 0;
                bool multiple = false;
                if (ack) {
                    auto* a = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
                    tag = a->delivery_tag;
                    multiple = a->multiple;
                } else {
                    auto* n = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
                    tag = n->delivery_tag;
                    multiple = n->multiple;
                }
                auto end = multiple ? unconfirmed.upper_bound(tag) : unconfirmed.find(tag);
                auto begin = multiple ? unconfirmed.begin() : end;
                if (!multiple && end != unconfirmed.end()) ++end;
                for (auto it = begin; it != end; ++it) {
                    const message& m = *it->second->m;
                    it->second->result =
                        ack ? delivery_result::ok("published to exchange '" + m.exchange + "' with routing key '" +
                                                  m.routing_key + "' on " + where() + " (confirmed)")
                            : delivery_result::retry("the broker refused the message (basic.nack)");
                    it->second->resolved = true;
                }
                unconfirmed.erase(begin, end);
                break;
            }
            case AMQP_CHANNEL_CLOSE_METHOD: {
                auto* close = static_cast<amqp_channel_close_t*>(frame.payload.method.decoded);
                std::string text = bytes(close->reply_text);
                amqp_channel_close_ok_t ok{};
                amqp_send_method(conn_, channel_, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
                open_channel();
                throw channel_closed("the broker closed the channel: " + text, close->reply_code);
            }
            case AMQP_CONNECTION_CLOSE_METHOD:
                throw std::runtime_error("the broker closed the connection");
            default: break;
        }
    }
}

void amqp_publisher::publish_batch(std::vector<pending*>& batch) {
    std::lock_guard lock(mutex_);
    try {
        if (!conn_) connect();
        std::map<uint64_t, pending*> unconfirmed;
        for (auto* p : batch) {
            const message& m = *p->m;
            try {
                ensure_exchange(m.exchange);
            } catch (const channel_closed& e) {
                // The broker refused this exchange (e.g. access refused): the same message would
                // be refused again.
                p->result = delivery_result::failed(std::string(e.what()) + " (exchange '" + m.exchange + "' on " +
                                                    where() + ")")
                                .with_status(e.reply_code);
                p->resolved = true;
                continue;
            }
            amqp_basic_properties_t props{};
            props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                           AMQP_BASIC_APP_ID_FLAG;
            props.content_type = amqp_cstring_bytes("application/json");
            props.delivery_mode = 2;  // persistent
            props.message_id = amqp_cstring_bytes(m.message_id.c_str());
            props.app_id = amqp_cstring_bytes("herald");
            amqp_bytes_t body{m.body.size(), const_cast<char*>(m.body.data())};
            int rc = amqp_basic_publish(conn_, channel_, amqp_cstring_bytes(m.exchange.c_str()),
                                        amqp_cstring_bytes(m.routing_key.c_str()), 0, 0, &props, body);
            if (rc != AMQP_STATUS_OK) throw std::runtime_error(std::string("basic.publish: ") + amqp_error_string2(rc));
            unconfirmed.emplace(next_tag_++, p);
        }
        wait_for_confirms(unconfirmed);
    } catch (const channel_closed& e) {
        for (auto* p : batch)
            if (!p->resolved) p->result = delivery_result::retry(e.what());
    } catch (const std::exception& e) {
        disconnect();
        for (auto* p : batch)
            if (!p->resolved) p->result = delivery_result::retry(e.what());
    }
}

delivery_result amqp_publisher::publish(const message& m) {
    pending mine{&m, {}, false, false};
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&mine);
    while (!mine.done) {
        if (publishing_) {
            batch_done_.wait(lock);
            continue;
        }
        publishing_ = true;
        std::vector<pending*> batch;
        batch.swap(queue_);
        lock.unlock();
        publish_batch(batch);
        lock.lock();
        publishing_ = false;
        for (auto* p : batch) p->done = true;
        batch_done_.notify_all();
    }
    return mine.result;
}

}  // namespace herald::amqp
