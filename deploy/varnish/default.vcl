vcl 4.1;
# kmpress: Varnish in front of the web nodes (README, "Varnish").
#
# What is cached is Django's decision, never a list of URLs copied here:
# a response is kept only when Django says so with Surrogate-Control
# (core.caching.middleware.RevalidateMiddleware adds it to the pages its own
# page cache shares: anonymous reader pages, never the admin, previews, the
# search page, a 404, or anything that sets a cookie), or when it carries an
# explicit public lifetime (static files). Browsers still get Django's
# "Cache-Control: no-cache" and revalidate with Varnish (a 304 from here).
# Every content change BANs everything (core.caching.invalidation, from the one
# invalidation point), so an object is only ever old, never wrong: past its
# TTL it is still served for a day (grace) while a background fetch replaces
# it, and while the web nodes are down or answer 5xx.
#
# The blocks between "BEGIN name" and "END name" are rewritten by
# tests/varnish_support.py (loopback ports, another ACL): keep the markers.

import std;
import directors;

# BEGIN probe
# The web nodes' liveness URL (no I/O: a database outage must not make
# Varnish drop its last good pages, grace covers that).
probe health {
    .url = "/healthz";
    .interval = 2s;
    # Generous: a node whose workers are all busy rendering answers late, and
    # two such nodes marked sick at once would turn every miss into a 503.
    .timeout = 5s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}
# END probe

# BEGIN backends
backend web1 {
    .host = "web1";
    .port = "8000";
    .probe = health;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}
backend web2 {
    .host = "web2";
    .port = "8000";
    .probe = health;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
}
# END backends

# Who may PURGE and BAN: the web nodes. Loopback and Docker's private
# networks; narrow it to the web nodes' own network in production. A request
# that came through another proxy (an X-Forwarded-For with two hops) is
# refused whatever its address.
# BEGIN purgers
acl purgers {
    "127.0.0.1";
    "::1";
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}
# END purgers

sub vcl_init {
    # Consistent hashing over the nodes: each URL's misses go to one node,
    # the URLs spread over all; a retry takes the next node of the ring
    # (alt), never the one that just failed, as a round robin may under load.
    new web = directors.shard();
# BEGIN director
    web.add_backend(web1);
    web.add_backend(web2);
# END director
    web.reconfigure();
}

sub vcl_recv {
    set req.backend_hint = web.backend(resolve=LAZY);
    unset req.http.Surrogate-Capability;

    # Tracking parameters never split a page: the names of
    # WAGTAIL_CACHE_IGNORE_QS (site_project/settings/base.py), dropped before
    # the page is looked up, purged or fetched.
    if (req.url ~ "[?&]") {
        set req.url = regsuball(req.url, "(?<=[?&])(?:utm_[^=&]*|fbclid|gclid|gclsrc|yclid|ysclid|_ga|_gl|mc_[^=&]*|msclkid|_openstat)(?:=[^&]*)?(?:&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }

    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "BAN") {
            # Everything, every host: a content change may show on any page.
            ban("obj.status != 0");
            return (synth(200, "Banned"));
        }
        return (purge);
    }
    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405, "Method Not Allowed"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors, previews and Django's admin: theirs is never shared, whatever
    # a response says (Django marks none of them cacheable either).
    if (req.url ~ "^/(admin|django-admin)(/|$)" || req.http.Authorization) {
        return (pass);
    }
    # Anyone holding a session (editors, a page password) or a CSRF token
    # (someone who opened a form) is served by Django itself.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken)=") {
        return (pass);
    }
    # Readers reach Varnish on whatever port compose or a load balancer
    # publishes (8080 in compose); Django keeps no page asked for on a port
    # other than its own (core.caching.keys), so shared pages go to it
    # without one. Passed requests (the admin) keep theirs for redirects.
    set req.http.host = regsub(req.http.host, ":[0-9]+$", "");
    # Other cookies (analytics) stay for Django, out of the object's key.
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(std.tolower(regsub(req.http.host, ":[0-9]+$", "")));
    return (lookup);
}

sub vcl_backend_fetch {
    # The URL's node, or after a failure the next healthy one.
    set bereq.backend = web.backend(alt=bereq.retries);
}

sub vcl_backend_response {
    # Whole pages before a byte goes out: a node dying mid-body fails the
    # fetch (vcl_synth starts the request over) instead of cutting a reader's
    # page short. Pages are small; media come from object storage.
    set beresp.do_stream = false;
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        # Keep serving the last good page rather than the error.
        return (abandon);
    }
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Control ~ "(?i)max-age=[0-9]+") {
        # Shared by Django: kept for the surrogate lifetime it names.
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control,
            "(?i)^.*max-age=([0-9]+).*$", "\1") + "s", 0s);
        unset beresp.http.Surrogate-Control;
        # The URL carries the language; Cookie was dropped by Django already.
        if (beresp.http.Vary) {
            set beresp.http.Vary = regsuball(beresp.http.Vary,
                "(?i)(^|,)\s*(accept-language|cookie)\s*(?=,|$)", "");
            set beresp.http.Vary = regsub(beresp.http.Vary, "^,\s*", "");
            if (beresp.http.Vary == "") {
                unset beresp.http.Vary;
            }
        }
    } elsif (beresp.http.Cache-Control ~ "(?i)(s-maxage|max-age)=[1-9]"
        && beresp.http.Cache-Control !~ "(?i)no-cache|no-store|private"
        && !beresp.http.Vary) {
        # An explicit public lifetime (static files): Varnish's own TTL.
    } else {
        # Not shared by Django: never kept (no heuristic TTL), and never
        # compressed here. Hit-for-miss: the next response may be cacheable.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 24h;
    # Compressed only when shared by everyone: such a response carries no
    # CSRF token and no cookie, so BREACH has nothing to read.
    if (beresp.http.Content-Type ~ "(?i)^(text/|application/(javascript|json|rss\+xml|atom\+xml|xml)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    if (bereq.retries < 2 && bereq.method ~ "^(GET|HEAD)$") {
        return (retry);
    }
}

sub vcl_deliver {
    unset resp.http.Via;
}

sub vcl_synth {
    # A node killed while it sent a page: a fetch that fails after the
    # headers is not retried on the backend side, so the reader's request
    # starts over once (a new fetch, retried on the ring's next node).
    if (resp.status == 503 && req.restarts == 0 && req.method ~ "^(GET|HEAD)$") {
        return (restart);
    }
}
