#pragma once
// Plain-HTTP connections served by a few threads, each with an epoll instance of its own.
//
// With a thread per connection, every fire put its thread to sleep on the group commit and woke
// it again once the event was durable: a sleep and a wake-up per request, and no more requests in
// one commit than there were threads. The ingest profile put those wake-ups among the largest
// costs, and a fire that did not wait for its commit went 1.7 times faster (bench/RESULTS.md,
// item 25). Here a loop reads, parses and routes every request itself, hands a fire to the host
// with fire_event_async and goes on with the next connection; the host's committing thread
// passes the answer back, and the loop writes it. Whatever else could block — a first login's
// PBKDF2, a long listener list, every request that is not a fire — runs on the worker pool and
// comes back the same way. Requests on one connection are answered in order, one at a time.
#include "api_handler.hpp"
#include "http_wire.hpp"
#include "worker_pool.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace herald::rest {

struct loop_settings {
    std::chrono::milliseconds keep_alive_timeout{10000};  // an idle connection is closed after it
    std::size_t max_head_bytes = 65536;                   // request line and headers
    std::string server;                                   // the Server header, if any
};

class event_loop {
public:
    /// Serves connections accepted from `listen_fd` (non-blocking, shared with other loops).
    event_loop(const sdk::host& host, const api_handler& api, worker_pool& workers, int listen_fd,
               loop_settings settings);
    ~event_loop();
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    void start();
    /// Asks the loop to stop: it stops accepting, closes idle connections at once, answers the
    /// requests in progress, then ends. Returns at once; join() waits for it.
    void begin_stop();
    void join();

private:
    struct connection;
    struct completion {
        int fd;
        std::uint64_t serial;
        api_answer answer;
        std::size_t credential;  // a hash of the Authorization header
        bool cheap;              // a fire whose credentials the host accepted: verified, so cheap now
    };

    void run();
    void accept_all();
    void pause_accepting(const std::string& why);
    void resume_accepting();
    void on_event(int fd, std::uint32_t events);
    bool read_all(connection& c);
    bool serve(connection& c);
    /// serve(), then close a connection whose client is gone and owed nothing, else watch it
    /// for what it needs next; false when it was closed.
    bool serve_next(connection& c);
    void dispatch(connection& c, const request_head& h, std::string body, bool too_large);
    void post(completion c);
    void finish_all();
    /// Makes the loop's epoll_wait return for wake_fd_ (from any thread).
    void wake();
    void finish(completion& done);
    bool send_pending(connection& c);
    bool refuse(connection& c, int status, const std::string& why);
    void update_interest(connection& c);
    void close(connection& c);
    void sweep(bool idle_only_now);

    const sdk::host& host_;
    const api_handler& api_;
    worker_pool& workers_;
    int listen_fd_;
    loop_settings settings_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::thread thread_;
    std::atomic<bool> stopping_{false};

    // The loop thread's own state.
    std::unordered_map<int, std::unique_ptr<connection>> connections_;
    std::uint64_t next_serial_ = 1;
    std::size_t outstanding_ = 0;  // dispatched requests whose completion has not come back
    std::unordered_set<std::size_t> cheap_credentials_;
    bool accepting_ = true;
    std::optional<std::chrono::steady_clock::time_point> accept_paused_until_;  // the listening socket is unwatched
    bool accept_paused_logged_ = false;

    // Completions from other threads, and whether the loop has been woken for them already.
    std::mutex done_mutex_;
    std::vector<completion> done_;
    bool wake_pending_ = false;
};

}  // namespace herald::rest
