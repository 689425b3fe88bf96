// P5's baseline: the smallest rabbitmq-c publisher with publisher confirms — publish one
// message, wait for its ack, repeat — for N seconds. Prints messages per second.
#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: amqp_confirm_loop HOST PORT EXCHANGE SECONDS\n");
        return 2;
    }
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(conn);
    if (amqp_socket_open(socket, argv[1], std::atoi(argv[2])) != AMQP_STATUS_OK) return 1;
    if (amqp_login(conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type != AMQP_RESPONSE_NORMAL)
        return 1;
    amqp_channel_open(conn, 1);
    amqp_confirm_select(conn, 1);
    if (amqp_get_rpc_reply(conn).reply_type != AMQP_RESPONSE_NORMAL) return 1;
    const char* body = R"({"call_report":null,"event_type":"repo.sync.finish","payload":{"repo_id":"zoo","result":"success"}})";
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[4]));
    long n = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < end) {
        amqp_basic_publish(conn, 1, amqp_cstring_bytes(argv[3]), amqp_cstring_bytes("pulp.server.repo.sync.finish"), 0, 0,
                           &props, amqp_cstring_bytes(body));
        amqp_frame_t frame;
        do {
            if (amqp_simple_wait_frame(conn, &frame) != AMQP_STATUS_OK) return 1;
        } while (!(frame.frame_type == AMQP_FRAME_METHOD && frame.payload.method.id == AMQP_BASIC_ACK_METHOD));
        ++n;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.1f\n", n / secs);
    amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
    return 0;
}
