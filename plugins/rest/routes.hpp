#pragma once
// The URL table of the REST API as a pure function (tested without sockets): which endpoint a
// method and path name, the Pulp permission it needs, and the resource path it is checked on.
#include <herald/abi.h>

#include <string>

namespace herald::rest {

enum class endpoint {
    not_found = 1,           // Pulp's handler404: 404 with body null
    method_not_allowed = 2,  // Django's 405
    list_listeners,
    create_listener,
    get_listener,
    update_listener,
    delete_listener,
    fire_event,
    get_event_report,
    notifier_types,
    status,
    list_deliveries,
    redeliver,
    redeliver_bulk,
    put_task,
    get_task,
};

struct route {
    endpoint what = endpoint::not_found;
    std::string id;                // listener or event id from the path
    herald_operation operation = HERALD_OP_READ;
    bool needs_auth = true;
    std::string resource_path;     // the path without /pulp/api, for authorization
    std::string allow;             // for 405: the Allow header
};

/// `path` is the request path without the query string.
route resolve(const std::string& method, const std::string& path);

}  // namespace herald::rest
