#include "event_loop.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace herald::rest {

namespace {

using clock = std::chrono::steady_clock;

constexpr std::size_t k_read_chunk = 16384;  // bytes per recv
constexpr std::chrono::milliseconds k_accept_pause{100};
constexpr std::size_t k_max_unsent = 1 << 20;  // answered bytes a client has not read yet  // after accept failed for want of descriptors

std::runtime_error system_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

struct event_loop::connection {
    int fd = -1;
    std::uint64_t serial = 0;
    std::string in;
    std::string out;
    std::size_t out_sent = 0;
    std::uint32_t events = 0;      // what epoll watches for it now
    bool busy = false;             // a request is with the API; the next waits in `in`
    bool close_after_write = false;
    bool peer_closed = false;      // the client shut its side; answer what it sent, then close
    clock::time_point active;
    // The request being received: its head is parsed, its body may still be arriving.
    std::unique_ptr<request_head> head;
    std::optional<chunked_body> chunks;
    bool continue_sent = false;
    // Of the request in flight: how to answer it.
    std::string version;
    bool keep_alive = true;
};

event_loop::event_loop(const sdk::host& host, const api_handler& api, worker_pool& workers, int listen_fd,
                       loop_settings settings)
    : host_(host), api_(api), workers_(workers), listen_fd_(listen_fd), settings_(std::move(settings)) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw system_error("epoll_create1");
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        ::close(epoll_fd_);
        throw system_error("eventfd");
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
    // Every loop waits on the one listening socket; EPOLLEXCLUSIVE wakes one of them per
    // connection instead of all.
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = listen_fd_;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) < 0) {
        ::close(wake_fd_);
        ::close(epoll_fd_);
        throw system_error("epoll_ctl (listening socket)");
    }
}

event_loop::~event_loop() {
    begin_stop();
    join();
    for (auto& [fd, c] : connections_) ::close(fd);
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

void event_loop::start() { thread_ = std::thread([this] { run(); }); }

void event_loop::begin_stop() {
    stopping_ = true;
    wake();
}

void event_loop::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void event_loop::join() {
    if (thread_.joinable()) thread_.join();
}

void event_loop::run() {
    pthread_setname_np(pthread_self(), "rest-loop");  // as heraldd's own threads are named
    epoll_event events[256];
    auto last_sweep = clock::now();
    for (;;) {
        if (stopping_ && accepting_) {
            accepting_ = false;
            if (!accept_paused_until_) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
            sweep(true);
        }
        if (!accepting_ && connections_.empty() && outstanding_ == 0) return;
        int timeout_ms = 1000;
        if (accept_paused_until_ && accepting_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*accept_paused_until_ - clock::now());
            if (left.count() <= 0) resume_accepting();
            else timeout_ms = static_cast<int>(left.count());
        }
        const int n = ::epoll_wait(epoll_fd_, events, 256, timeout_ms);
        if (n < 0 && errno != EINTR) {
            host_.log(sdk::log_level::error, "rest", std::string("epoll_wait failed: ") + std::strerror(errno));
            return;
        }
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            try {
                if (fd == listen_fd_) accept_all();
                else if (fd == wake_fd_) finish_all();
                else on_event(fd, events[i].events);
            } catch (const std::exception& e) {
                // One connection's trouble (an allocation, a POCO formatting error) ends it alone.
                host_.log(sdk::log_level::error, "rest", std::string("connection failed: ") + e.what());
                if (auto it = connections_.find(fd); it != connections_.end()) close(*it->second);
            }
        }
        if (clock::now() - last_sweep >= std::chrono::seconds(1)) {
            sweep(false);
            last_sweep = clock::now();
        }
    }
}

void event_loop::accept_all() {
    for (;;) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // another loop took it, or none is left
            // Out of descriptors (or another lasting failure): the connection stays in the
            // backlog and the socket stays readable, so watching it would spin. Look again later.
            pause_accepting(std::string("cannot accept connections: ") + std::strerror(errno));
            return;
        }
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto c = std::make_unique<connection>();
        c->fd = fd;
        c->serial = next_serial_++;
        accept_paused_logged_ = false;  // accepting works (again)
        c->active = clock::now();
        epoll_event ev{};
        ev.events = c->events = EPOLLIN;
        ev.data.fd = fd;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
            ::close(fd);
            continue;
        }
        connections_.emplace(fd, std::move(c));
    }
}

void event_loop::pause_accepting(const std::string& why) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    accept_paused_until_ = clock::now() + k_accept_pause;
    if (!accept_paused_logged_)
        host_.log(sdk::log_level::warn, "rest", why + "; retrying every " + std::to_string(k_accept_pause.count()) +
                                                    " ms (logged once until it works again)");
    accept_paused_logged_ = true;
}

void event_loop::resume_accepting() {
    accept_paused_until_.reset();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.fd = listen_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
}

void event_loop::on_event(int fd, std::uint32_t events) {
    auto it = connections_.find(fd);
    if (it == connections_.end()) return;
    connection& c = *it->second;
    if (events & EPOLLERR) return close(c);
    if (events & EPOLLOUT) {
        if (!send_pending(c)) return;
        if (!serve_next(c)) return;  // requests held back while answers were unsent
    }
    if (events & (EPOLLIN | EPOLLHUP)) {
        if (!read_all(c)) return;
        serve_next(c);
    }
}

bool event_loop::serve_next(connection& c) {
    if (!serve(c)) return false;
    if (c.peer_closed && !c.busy && c.out.empty()) {  // the client is gone and owed nothing
        close(c);
        return false;
    }
    update_interest(c);
    return true;
}

bool event_loop::read_all(connection& c) {
    char buf[k_read_chunk];
    for (;;) {
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            c.in.append(buf, static_cast<std::size_t>(n));
            c.active = clock::now();
            if (static_cast<std::size_t>(n) < sizeof buf) return true;
            continue;
        }
        if (n == 0) {
            c.peer_closed = true;
            return true;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        close(c);  // reset by the peer
        return false;
    }
}

bool event_loop::serve(connection& c) {
    const std::size_t limit = api_.settings().max_body_bytes;
    // A client that pipelines requests but does not read the answers gets no more answered
    // until it reads: the answers would pile up here.
    while (!c.busy && !c.close_after_write && c.out.size() - c.out_sent <= k_max_unsent) {
        if (!c.head) {
            auto head = std::make_unique<request_head>();
            std::string why;
            switch (parse_head(c.in, settings_.max_head_bytes, *head, why)) {
                case head_status::incomplete: return true;
                case head_status::bad: return refuse(c, 400, why);
                case head_status::complete: break;
            }
            c.head = std::move(head);
            if (c.head->chunked) c.chunks.emplace(limit);
            c.continue_sent = false;
        }
        const request_head& h = *c.head;
        const std::string_view rest = std::string_view(c.in).substr(h.head_bytes);
        std::string body;
        bool too_large = false;
        std::size_t used = 0;
        bool complete = true;
        if (h.chunked) {
            switch (c.chunks->feed(rest)) {
                case chunked_body::status::incomplete: complete = false; break;
                case chunked_body::status::bad: return refuse(c, 400, "malformed chunked body");
                case chunked_body::status::too_large: too_large = true; used = rest.size(); break;
                case chunked_body::status::complete:
                    body = std::move(c.chunks->body());
                    used = c.chunks->consumed();
                    break;
            }
        } else if (h.content_length > limit) {
            too_large = true;  // answered at once; the body is never read
        } else if (rest.size() < h.content_length) {
            complete = false;
        } else {
            used = static_cast<std::size_t>(h.content_length);
            body.assign(rest.data(), used);
        }
        if (!complete) {
            if (h.expect_continue && !c.continue_sent) {
                c.continue_sent = true;
                c.out += "HTTP/1.1 100 Continue\r\n\r\n";
                return send_pending(c);
            }
            return true;
        }
        std::unique_ptr<request_head> taken = std::move(c.head);
        c.chunks.reset();
        c.in.erase(0, taken->head_bytes + used);
        dispatch(c, *taken, std::move(body), too_large);
    }
    return true;
}

void event_loop::dispatch(connection& c, const request_head& h, std::string body, bool too_large) {
    api_request req;
    req.method = h.method;
    req.uri = h.target;
    req.authorization = h.authorization;
    req.body = std::move(body);
    req.body_too_large = too_large;
    c.busy = true;
    c.version = h.version;
    c.keep_alive = h.keep_alive;
    if (too_large) c.close_after_write = true;  // the rest of the body is not read

    const route r = resolve(req.method, api_handler::path_of(req.uri));
    const std::size_t credential = std::hash<std::string>{}(req.authorization);
    const bool fire = r.what == endpoint::fire_event;
    ++outstanding_;
    auto answer = [this, fd = c.fd, serial = c.serial, credential, fire](api_answer a) {
        const bool cheap = fire && a.status != 401;
        post({fd, serial, std::move(a), credential, cheap});
    };
    // Answered here, never blocking: a route that does not exist, and a fire whose credentials
    // the host has verified before (it remembers them, so checking again is a hash lookup).
    if (r.what == endpoint::not_found || r.what == endpoint::method_not_allowed ||
        (fire && cheap_credentials_.count(credential))) {
        api_.handle(req, r, answer, true);
        return;
    }
    auto job = [this, req = std::move(req), r, answer]() { api_.handle(req, r, answer, true); };
    if (!workers_.run(std::move(job))) {
        answer(api_.overloaded(h.method, h.target));
    }
}

void event_loop::post(completion c) {
    bool sleeping = false;
    {
        std::lock_guard lock(done_mutex_);
        done_.push_back(std::move(c));
        sleeping = !wake_pending_;
        wake_pending_ = true;
    }
    if (sleeping) wake();
}

void event_loop::finish_all() {
    std::uint64_t count;
    [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
    // Answers that arrive while these are sent go out in the same round: the flag stays up until
    // the queue is found empty, so the committer, which posts a commit's answers one by one,
    // writes the eventfd once per round instead of once per answer the loop had already taken
    // (P1: 7 500 writes, reads and epoll rounds in 3 s for ~1 500 commits).
    // A bounded number of rounds, so that a steady stream of answers cannot keep the loop from
    // reading its connections: after that it comes back through epoll like any other event.
    std::vector<completion> done;
    for (int round = 0;; ++round) {
        if (round == 8) return wake();
        {
            std::lock_guard lock(done_mutex_);
            done.clear();
            done.swap(done_);
            if (done.empty()) {
                wake_pending_ = false;
                return;
            }
        }
        for (auto& d : done) finish(d);
    }
}

void event_loop::finish(completion& done) {
    --outstanding_;
    if (done.cheap) {
        if (cheap_credentials_.size() >= 1024) cheap_credentials_.clear();  // bounded, whoever sends what
        cheap_credentials_.insert(done.credential);
    }
    auto it = connections_.find(done.fd);
    if (it == connections_.end() || it->second->serial != done.serial) return;  // closed meanwhile
    connection& c = *it->second;
    c.busy = false;
    c.active = clock::now();  // the keep-alive wait starts with the answer
    const bool keep = c.keep_alive && !done.answer.close && !c.close_after_write && !c.peer_closed && !stopping_;
    c.out += render_answer(done.answer, c.version, keep, settings_.server);
    if (!keep) c.close_after_write = true;
    if (!send_pending(c)) return;
    serve_next(c);  // requests pipelined behind this one
}

bool event_loop::send_pending(connection& c) {
    while (c.out_sent < c.out.size()) {
        const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
        if (n > 0) {
            c.out_sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        close(c);
        return false;
    }
    if (c.out_sent == c.out.size()) {
        c.out.clear();
        c.out_sent = 0;
        if (c.close_after_write && !c.busy) {
            close(c);
            return false;
        }
    }
    update_interest(c);
    return true;
}

bool event_loop::refuse(connection& c, int status, const std::string& why) {
    host_.log(sdk::log_level::debug, "rest", "refused a request (" + std::to_string(status) + "): " + why);
    c.head.reset();
    c.chunks.reset();
    c.in.clear();
    c.close_after_write = true;
    c.out += render_refusal(status);
    return send_pending(c);
}

void event_loop::update_interest(connection& c) {
    // Not read while no request can be taken (one is with the API, or answers wait unsent) and
    // it has already sent a full request's worth more, nor after the client shut its side (the
    // socket would stay readable at EOF).
    const std::size_t cap = settings_.max_head_bytes + api_.settings().max_body_bytes;
    std::uint32_t want = 0;
    const bool held = c.busy || c.out.size() - c.out_sent > k_max_unsent;  // no request taken now
    if (!c.peer_closed && !c.close_after_write && !(held && c.in.size() > cap)) want |= EPOLLIN;
    if (c.out_sent < c.out.size()) want |= EPOLLOUT;
    if (want == c.events) return;
    epoll_event ev{};
    ev.events = c.events = want;
    ev.data.fd = c.fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void event_loop::close(connection& c) {
    const int fd = c.fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    connections_.erase(fd);  // `c` is gone from here on
}

void event_loop::sweep(bool stopping_now) {
    const auto now = clock::now();
    std::vector<int> idle;
    for (const auto& [fd, c] : connections_) {
        if (c->busy) continue;
        const bool quiet = c->out.empty();
        if ((stopping_now && quiet) || now - c->active > settings_.keep_alive_timeout) idle.push_back(fd);
    }
    for (int fd : idle) close(*connections_.at(fd));
}

}  // namespace herald::rest
