#!/usr/bin/env bash
# What `#[cors]` costs at compile time, against the same handlers under
# tower-http's `CorsLayer`. See benches/build-cost/README.md and BENCHMARKS.md.
#
#   bash benches/build-cost/run.sh            # sizes 10 100 500: check, debug build, release
#                                             # build. ~10 min.
#   bash benches/build-cost/run.sh --quick    # cargo check only, sizes 10 and 100, no item
#                                             # table. ~15 s once the dependencies are built.
#
# Options (given after --quick, they override it):
#   --sizes "10 100 500"            handler counts
#   --commands "check build release"
#   --reps 3                        samples per crate and command; the median is reported
#   --items | --no-items            the per-item table (off by default). Its variants are
#                                   hand-written copies of the expansion as it was at commit
#                                   2b7b582, one item removed at a time; they build against
#                                   that commit's runtime, which the script exports itself
#                                   (see --item-rev): no worktree needed. (The variants of
#                                   the expansion before, at 2067dbb: this script at 917a385.)
#   --items-only                    only the per-item table
#   --item-size 100                 handlers in each per-item crate
#   --item-reps 5                   samples per item variant
#   --item-commands "check build"   commands for the per-item crates
#   --shape args|unit               handlers `async fn hN(Path(id): Path<u32>, body: String)
#                                   -> String` (default), or `async fn hN() -> &'static str`
#   --infer-state                   both crates' routers made without their type
#                                   (`let mut app = Router::new();`, the state inferred
#                                   from the end of `main`) instead of with it
#   --work DIR                      crates and the shared target dir (default:
#                                   <repo>/target/build-cost)
#   --rev REV                       measure route-cors as committed at REV (exported with
#                                   `git archive`) instead of the working tree
#   --item-rev REV                  the same for the per-item crates; default 2b7b582, the
#                                   expansion the hand-written variants copy ("worktree":
#                                   the working tree)
#   --report FILE                   print the tables again from a results-*.tsv (also one
#                                   that a stopped run left)
#
# Offline: every dependency comes from the cargo cache the repository's own
# build populated; versions are pinned by a copy of the repository's Cargo.lock.
# All generated crates share one CARGO_TARGET_DIR. Dependencies are built once,
# in an untimed warm-up; each sample then runs `cargo clean -p <crate>`
# (`--release` for release builds), which removes that crate's artifacts and
# incremental state, and times the command alone: wall time, and the CPU time
# (user + sys) of cargo and rustc, which a busy machine disturbs less. A sample
# in which cargo compiled anything but the user crate (the repository was
# edited meanwhile) is thrown away and taken again.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! grep -q '^name = "route-cors"$' "$ROOT/Cargo.toml" 2>/dev/null; then
    echo "run.sh: $ROOT is not the route-cors repository" >&2
    exit 2
fi

SIZES="10 100 500"
COMMANDS="check build release"
REPS=3
ITEMS=0
MAIN=1
ITEM_SIZE=100
ITEM_REPS=5
ITEM_COMMANDS="check build"
SHAPE=args
INFER_STATE=0
WORK="$ROOT/target/build-cost"
REPORT_ONLY=''
MAIN_REV=worktree
# The commit whose `#[cors]` expansion `expanded_fn` below copies: the item
# variants are measured against route-cors as it was there.
ITEM_REV=2b7b582

while [ $# -gt 0 ]; do
    case $1 in
        --quick) SIZES="10 100"; COMMANDS="check"; ITEMS=0 ;;
        --sizes) SIZES=$2; shift ;;
        --commands) COMMANDS=$2; shift ;;
        --reps) REPS=$2; shift ;;
        --items) ITEMS=1 ;;
        --no-items) ITEMS=0 ;;
        --items-only) ITEMS=1; MAIN=0 ;;
        --item-size) ITEM_SIZE=$2; shift ;;
        --item-reps) ITEM_REPS=$2; shift ;;
        --item-commands) ITEM_COMMANDS=$2; shift ;;
        --shape) SHAPE=$2; shift ;;
        --infer-state) INFER_STATE=1 ;;
        --work) WORK=$2; shift ;;
        --rev) MAIN_REV=$2; shift ;;
        --item-rev) ITEM_REV=$2; shift ;;
        --report) REPORT_ONLY=$2; shift ;;
        -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case $SHAPE in args | unit) ;; *) echo "run.sh: --shape is args or unit" >&2; exit 2 ;; esac
STATE_TAG=''
if [ "$INFER_STATE" = 1 ]; then STATE_TAG=_inferred; fi
for c in $COMMANDS $ITEM_COMMANDS; do
    case $c in check | build | release) ;; *) echo "run.sh: unknown command $c" >&2; exit 2 ;; esac
done

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
export CARGO_TARGET_DIR="$WORK/target"
export CARGO_NET_OFFLINE=true
export CARGO_TERM_COLOR=never
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_INCREMENTAL || true
mkdir -p "$WORK/logs"

# Selects where route-cors comes from: the working tree, or a commit exported
# under $WORK/src/. Each source gets its own workspace (two path packages
# named route-cors cannot share a lock file); all share CARGO_TARGET_DIR.
# Sets RC (route-cors's directory), WS (the workspace), TAG (in crate names).
use_source() { # worktree | REV
    if [ "$1" = worktree ]; then
        RC=$ROOT TAG=wt WS="$WORK/ws"
        mkdir -p "$WS"
        cp "$ROOT/Cargo.lock" "$WS/Cargo.lock"
    else
        local sha
        sha=$(git -C "$ROOT" rev-parse --verify --quiet "$1^{commit}") || {
            echo "run.sh: $1 is not a commit of $ROOT" >&2
            exit 2
        }
        TAG=${sha:0:7} RC="$WORK/src/${sha:0:12}" WS="$WORK/ws-${sha:0:7}"
        if [ ! -f "$RC/Cargo.toml" ]; then
            rm -rf "$RC.tmp" && mkdir -p "$RC.tmp"
            git -C "$ROOT" archive "$sha" | tar -x -C "$RC.tmp"
            mv "$RC.tmp" "$RC"
        fi
        mkdir -p "$WS"
        git -C "$ROOT" show "$sha:Cargo.lock" >"$WS/Cargo.lock"
    fi
}

# ---------------------------------------------------------------- generation

# Writes stdin to $1 only when it differs, so that unchanged files keep their
# mtime (cargo's fingerprints) from run to run.
put() {
    local tmp
    mkdir -p "$(dirname "$1")"
    tmp=$(mktemp "$WORK/.put.XXXXXX")
    cat >"$tmp"
    if cmp -s "$tmp" "$1" 2>/dev/null; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

join() { # its arguments, joined with ", "
    local out='' x
    for x in "$@"; do out+="${out:+, }$x"; done
    printf '%s' "$out"
}

P='::route_cors::__private'
ORIGINS='"https://app.example.com", "https://admin.example.com"'
ATTR="#[cors(origins = [$ORIGINS], methods = [GET], headers = [\"content-type\"], max_age = 600)]"
# The policy exactly as `#[cors]` writes it at $ITEM_REV, whose runtime reads it back
# (route_cors_rules::written; later commits name the keys as users write them, `max_age`).
WRITTEN='"origins https://admin.example.com https://app.example.com\nmethods GET\nheaders content-type\nmax-age 600"'
TOWER_LAYER='CorsLayer::new()
                .allow_origin(AllowOrigin::list([
                    HeaderValue::from_static("https://app.example.com"),
                    HeaderValue::from_static("https://admin.example.com"),
                ]))
                .allow_methods([Method::GET])
                .allow_headers([header::CONTENT_TYPE])
                .max_age(Duration::from_secs(600))'

if [ "$SHAPE" = args ]; then
    SIG='Path(id): Path<u32>, body: String'
    RET='String'
    ARG_TYPES=('Path<u32>' 'String')
    USES='use axum::extract::Path;'
    body() { printf 'format!("h%s {id} {body}")' "$1"; }
    route() { printf '/h%s/{id}' "$1"; }
else
    SIG=''
    RET="&'static str"
    ARG_TYPES=()
    USES=''
    body() { printf '"h%s"' "$1"; }
    route() { printf '/h%s' "$1"; }
fi

# The handler as the user writes it, without `#[cors]`.
plain_fn() {
    printf 'async fn h%s(%s) -> %s {\n    %s\n}\n\n' "$1" "$SIG" "$RET" "$(body "$1")"
}

has() { [[ " $1 " == *" $2 "* ]]; } # has "$without" word

# `#[cors]`'s expansion of handler $1, written out from cors-macros/src/expand.rs
# (token for token at the time of writing: `rustc -Zunpretty=expanded` of the `macro`
# crate matches it but for whitespace, its `use` line and how a doc comment prints),
# changed as the words in $2 say:
#   notahandler  no `impl Handler<NotAHandler, S>`, and no `Clone`, which only it needs:
#                what makes axum's own `get(h)` an error that names route-cors
#   policyfn     no inherent `policy()`
#   policy       `CorsFn::POLICY` is `HandlerPolicy::None`, not the written policy
#   fullpaths    the trait impls beside the struct with full `::route_cors::__private`
#                paths, not in a `const _` block that imports the module once as `__rc`
#   debug        with `impl Debug`, which `#[cors]` writes only when attributes are
#                stacked below it
expanded_fn() {
    local i=$1 without=$2 name="h$1"
    local n=${#ARG_TYPES[@]} k
    local params_in=()
    for ((k = 0; k < n; k++)); do
        params_in+=("__a$k")
    done
    local joined_in types_tuple pat_tuple R policy block=1
    joined_in=$(join "${params_in[@]}")
    if [ "$n" -gt 0 ]; then
        types_tuple="($(join "${ARG_TYPES[@]}"),)" pat_tuple="($joined_in,)"
    else
        types_tuple="()" pat_tuple="()"
    fi
    R=__rc
    if has "$without" fullpaths; then R=$P block=0; fi
    policy="$R::HandlerPolicy::Static($R::compiled::CompiledPolicy($WRITTEN))"
    if has "$without" policy; then policy="$R::HandlerPolicy::None"; fi

    cat <<EOF
#[doc = ""]
#[doc = "The \`$name\` handler with its CORS policy. Register it with the route-cors builders (\`route_cors::get($name)\`); call it directly as \`$name.call(...)\`."]
#[allow(non_camel_case_types)]
struct $name;

impl $name {
    async fn call(self, $SIG) -> $RET {
        $(body "$i")
    }
EOF
    if ! has "$without" policyfn; then
        cat <<EOF

    /// The handler's CORS policy, checked at compile time.
    fn policy() -> $P::Policy {
        $P::compiled::CompiledPolicy($WRITTEN).to_policy()
    }
EOF
    fi
    printf '}\n\n'

    if [ "$block" = 1 ]; then printf 'const _: () = {\n    use %s as __rc;\n\n' "$P"; fi
    if ! has "$without" notahandler; then
        cat <<EOF
impl ::core::clone::Clone for $name {
    fn clone(&self) -> Self {
        $name
    }
}

EOF
    fi
    if has "$without" debug; then
        cat <<EOF
impl ::core::fmt::Debug for $name {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str("$name")
    }
}

EOF
    fi
    cat <<EOF
impl $R::CorsFn for $name {
    type Args = $types_tuple;

    const POLICY: $R::HandlerPolicy = $policy;

    fn call_with($pat_tuple: Self::Args) -> impl ::core::future::Future<Output: $R::axum::response::IntoResponse> + ::core::marker::Send + 'static {
        $name.call($joined_in)
    }
}

EOF
    if ! has "$without" notahandler; then
        cat <<EOF
impl<__S> $R::axum::handler::Handler<$R::NotAHandler, __S> for $name
where
    __S: $R::RegisterWithRouteCors<$name>,
{
    type Future = $R::Unreachable;

    fn call(self, _: $R::axum::extract::Request, _: __S) -> Self::Future {
        $R::Unreachable
    }
}

EOF
    fi
    if [ "$block" = 1 ]; then printf '};\n\n'; fi
}

# gen_crate NAME KIND N [WITHOUT]: KIND is
#   macro     N `#[cors]` handlers on a CorsRouter (route_cors::get)
#   tower     the same handlers, each `get(h).layer(CorsLayer::new()...)` on an axum Router
#   bare      the same handlers, `get(h)` on an axum Router, no CORS
#   plain     the same handlers, `route_cors::get(route_cors::plain(h))` on a CorsRouter
#   noop      as plain, each handler under `#[rc_attr::noop]` (an attribute returning its input)
#   syn       as plain, each handler under `#[rc_attr::reparse]` (syn::ItemFn parsed, quoted back)
#   expanded  `#[cors]`'s expansion written out, changed as WITHOUT says (see expanded_fn)
gen_crate() {
    local name=$1 kind=$2 n=$3 without=${4:-} i deps
    case $kind in
        tower) deps='tower-http = { version = "0.7", default-features = false, features = ["cors"] }' ;;
        bare) deps="" ;;
        *) deps="route-cors = { path = \"$RC\" }" ;;
    esac
    case $kind in noop | syn) deps+=$'\n''rc_attr = { path = "../rc_attr" }' ;; esac
    put "$WS/$name/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
axum = { version = "0.8.9", default-features = false }
$deps
EOF
    {
        echo "// Generated by benches/build-cost/run.sh ($kind, $n handlers${without:+, changed: $without}, shape $SHAPE$([ "$INFER_STATE" = 1 ] && echo ', state inferred'))."
        if [ -n "$USES" ]; then echo "$USES"; fi
        case $kind in
            macro) echo "use route_cors::cors;" ;;
            tower)
                echo "use axum::http::{header, HeaderValue, Method};"
                echo "use axum::routing::get;"
                echo "use std::time::Duration;"
                echo "use tower_http::cors::{AllowOrigin, CorsLayer};" ;;
            bare) echo "use axum::routing::get;" ;;
        esac
        echo
        for ((i = 0; i < n; i++)); do
            case $kind in
                macro) echo "$ATTR"; plain_fn "$i" ;;
                noop) echo "#[rc_attr::noop]"; plain_fn "$i" ;;
                syn) echo "#[rc_attr::reparse]"; plain_fn "$i" ;;
                tower | bare | plain) plain_fn "$i" ;;
                expanded) expanded_fn "$i" "$without" ;;
            esac
        done
        echo "fn main() {"
        # Each router's type written where it is made (state `()`), in both
        # crates; with --infer-state, left to inference until the end.
        if [ "$INFER_STATE" = 1 ]; then
            case $kind in
                tower | bare) echo "    let mut app = axum::Router::new();" ;;
                *) echo "    let mut app = route_cors::CorsRouter::new();" ;;
            esac
        else
            case $kind in
                tower | bare) echo "    let mut app: axum::Router = axum::Router::new();" ;;
                *) echo "    let mut app: route_cors::CorsRouter = route_cors::CorsRouter::new();" ;;
            esac
        fi
        for ((i = 0; i < n; i++)); do
            case $kind in
                tower) printf '    app = app.route(\n        "%s",\n        get(h%s).layer(\n            %s,\n        ),\n    );\n' \
                    "$(route "$i")" "$i" "$TOWER_LAYER" ;;
                bare) printf '    app = app.route("%s", get(h%s));\n' "$(route "$i")" "$i" ;;
                plain | noop | syn) printf '    app = app.route("%s", route_cors::get(route_cors::plain(h%s)));\n' "$(route "$i")" "$i" ;;
                *)
                    printf '    app = app.route("%s", route_cors::get(h%s));\n' "$(route "$i")" "$i" ;;
            esac
        done
        case $kind in
            tower | bare) echo "    let app: axum::Router = app;"
                          echo "    let _ = std::hint::black_box(app);" ;;
            *) echo "    let app: axum::Router = app.into_router();"
               echo "    let _ = std::hint::black_box(app);" ;;
        esac
        echo "}"
    } | put "$WS/$name/src/main.rs"
}

# rc_attr: two attribute macros that cost what any attribute costs, built once
# and not counted, like route-cors itself.
gen_support() {
    put "$WS/rc_attr/Cargo.toml" <<EOF
[package]
name = "rc_attr"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
proc-macro = true

[dependencies]
proc-macro2 = "1"
quote = "1"
syn = { version = "2", default-features = false, features = ["clone-impls", "parsing", "printing", "proc-macro", "full"] }
EOF
    put "$WS/rc_attr/src/lib.rs" <<'EOF'
//! Generated by benches/build-cost/run.sh: the floor of any attribute macro.
use proc_macro::TokenStream;

/// Returns the item untouched.
#[proc_macro_attribute]
pub fn noop(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Parses the item as `#[cors]` does (`syn::ItemFn`) and quotes it back.
#[proc_macro_attribute]
pub fn reparse(_args: TokenStream, item: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(item as syn::ItemFn);
    quote::quote!(#item).into()
}
EOF
}

# Item variants: label|kind|changes|what
ITEM_VARIANTS=(
    "tower|tower||tower-http: each route \`get(h).layer(CorsLayer::new()...)\`"
    "bare|bare||axum alone, \`get(h)\`: no CORS"
    "plain|plain||CorsRouter, \`route_cors::get(route_cors::plain(h))\`: no per-handler item"
    "noop attr|noop||plain, each handler under an attribute macro that returns its input"
    "syn attr|syn||plain, each handler under an attribute macro that parses \`syn::ItemFn\` and quotes it back"
    "macro|macro||\`#[cors]\`, what users write"
    "expanded|expanded||\`#[cors]\`'s expansion written out: every item"
    "-notahandler|expanded|notahandler|without \`impl Handler<NotAHandler, S>\` and the \`Clone\` it needs (axum's \`get(h)\` an error naming route-cors)"
    "-policy fn|expanded|policyfn|without the inherent \`policy()\`"
    "-policy|expanded|policy|\`CorsFn::POLICY\` \`HandlerPolicy::None\`: without the written policy's literal"
    "full paths|expanded|fullpaths|the trait impls with full \`::route_cors::__private\` paths, not in a \`const _\` block"
    "+debug|expanded|debug|with \`impl Debug\` (written when attributes are stacked below \`#[cors]\`)"
    "floor|expanded|notahandler policyfn policy|the struct, \`call\` and \`impl CorsFn\` alone"
)

crate_name() { # label n -> crate name
    local s
    s=$(printf '%s' "$1" | tr -c 'a-z0-9' '_' | sed 's/^_*//; s/_*$//; s/__*/_/g')
    printf 'bc_%s_%s%s_%s_%s' "$TAG" "$SHAPE" "$STATE_TAG" "${s:-x}" "$2"
}

MEMBERS=()
declare -A KIND_OF CMDS_OF WS_OF CRATE
add_crate() { # group label kind n changes commands; CRATE[group.label.n] = its name
    local name
    name=$(crate_name "$2" "$4")
    if [ -z "${KIND_OF[$name]:-}" ]; then
        gen_crate "$name" "$3" "$4" "$5"
        MEMBERS+=("$name")
        KIND_OF[$name]="$TAG $3${5:+ $5}"
        WS_OF[$name]=$WS
    fi
    CMDS_OF[$name]="${CMDS_OF[$name]:-} $6"
    CRATE[$1.$2.$4]=$name
}

# The workspace's manifest: every crate any run generated in it, so that the
# lock file covers them all.
finish_ws() {
    {
        echo "# Generated by benches/build-cost/run.sh; route-cors from $RC."
        echo "[workspace]"
        echo "resolver = \"2\""
        printf 'members = [\n    "rc_attr",\n'
        for d in "$WS"/bc_*/; do
            [ -f "$d/Cargo.toml" ] && printf '    "%s",\n' "$(basename "$d")"
        done
        echo "]"
    } | put "$WS/Cargo.toml"
}

# The registry dependencies are pinned by the source's own Cargo.lock.
if [ -z "$REPORT_ONLY" ]; then
    if [ "$MAIN" = 1 ]; then
        use_source "$MAIN_REV"
        MAIN_SRC="$RC"
        echo "generating crates under $WS ..." >&2
        gen_support
        for n in $SIZES; do
            add_crate main macro macro "$n" "" "$COMMANDS"
            add_crate main tower tower "$n" "" "$COMMANDS"
        done
        finish_ws
    fi
    if [ "$ITEMS" = 1 ]; then
        use_source "$ITEM_REV"
        ITEM_SRC="$RC"
        echo "generating crates under $WS ..." >&2
        gen_support
        for v in "${ITEM_VARIANTS[@]}"; do
            IFS='|' read -r label kind changes _ <<<"$v"
            add_crate items "$label" "$kind" "$ITEM_SIZE" "$changes" "$ITEM_COMMANDS"
        done
        finish_ws
    fi
fi

# ---------------------------------------------------------------- report

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { # column group label n cmd: the samples, one a line
    awk -F'\t' -v k="$1" -v g="$2" -v l="$3" -v n="$4" -v c="$5" \
        'BEGIN { f = (k == "wall") ? 6 : 7 } $1 == g && $2 == l && $3 == n && $4 == c { print $f }' "$RESULTS"
}
med() { col "$@" | median; }
samples() { col "$@" | paste -sd' ' -; }
cmd_name() {
    case $1 in
        check) echo 'cargo check' ;;
        build) echo 'debug build' ;;
        release) echo 'release build' ;;
    esac
}
meta() { awk -F'\t' -v k="$1" '$1 == "#meta" && $2 == k { v = $3 } END { print v }' "$RESULTS"; }
# The distinct values of column $2 (3 = n, 4 = cmd, 5 = rep) of group $1, in order.
values() { awk -F'\t' -v g="$1" -v c="$2" '$1 == g && !seen[$c]++ { printf "%s%s", sep, $c; sep = " " }' "$RESULTS"; }

# The tables, from $RESULTS alone.
report() {
    local SIZES COMMANDS REPS ITEM_SIZE ITEM_COMMANDS ITEM_REPS cmd n v label what
    SIZES=$(values main 3) COMMANDS=$(values main 4) REPS=$(values main 5 | wc -w)
    ITEM_SIZE=$(values items 3) ITEM_COMMANDS=$(values items 4) ITEM_REPS=$(values items 5 | wc -w)
    echo
    echo "## Build cost of \`#[cors]\`: results"
    echo
    local src
    if [ -n "$SIZES" ] && [ -n "$ITEM_SIZE" ]; then
        src="$(meta main_src) (the item variants: $(meta item_src))"
    else
        src="$(meta main_src)$(meta item_src)"
    fi
    echo "$(meta date), $(meta cpus) CPUs, $(meta rustc); route-cors from $src;"
    echo "handlers \`$(meta handler)\`, $(meta routers). Load average $(meta load0) at the start, $(meta load1) at the end;"
    echo "measuring took $(meta seconds) s (the warm-up not counted). Raw samples: $RESULTS"

    if [ -n "$SIZES" ]; then
        echo
        echo "Median of $REPS samples, each after \`cargo clean -p\` of the user crate, the two crates alternating."
        echo "Wall time; \"CPU ratio\" is the same ratio of CPU time (user + sys of cargo and rustc)."
        echo
        echo "| N | command | #[cors] s | tower-http s | ratio | CPU ratio | #[cors] ms/handler | tower-http ms/handler | #[cors] marginal ms/handler | tower-http marginal ms/handler | #[cors] samples | tower-http samples |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
        for cmd in $COMMANDS; do
            prev_n='' prev_a='' prev_b=''
            for n in $SIZES; do
                ma=$(med wall main macro "$n" "$cmd")
                mb=$(med wall main tower "$n" "$cmd")
                awk -v n="$n" -v c="$(cmd_name "$cmd")" -v a="$ma" -v b="$mb" \
                    -v ca="$(med cpu main macro "$n" "$cmd")" -v cb="$(med cpu main tower "$n" "$cmd")" \
                    -v pn="$prev_n" -v pa="$prev_a" -v pb="$prev_b" \
                    -v sa="$(samples wall main macro "$n" "$cmd")" -v sb="$(samples wall main tower "$n" "$cmd")" 'BEGIN {
                    xa = "-"; xb = "-"
                    if (pn != "") { xa = sprintf("%.2f", (a - pa) * 1000 / (n - pn)); xb = sprintf("%.2f", (b - pb) * 1000 / (n - pn)) }
                    printf "| %d | %s | %.2f | %.2f | %.2fx | %.2fx | %.2f | %.2f | %s | %s | %s | %s |\n", n, c, a, b, a / b, ca / cb, a * 1000 / n, b * 1000 / n, xa, xb, sa, sb
                }'
                prev_n=$n prev_a=$ma prev_b=$mb
            done
        done
        echo
        echo "ms/handler is seconds / N (the crate's fixed cost included, so it falls as N grows); marginal"
        echo "is what each handler added since the previous size costs, (t(N) - t(N')) / (N - N')."
    fi

    if [ -n "$ITEM_SIZE" ]; then
        for cmd in $ITEM_COMMANDS; do
            full=$(med wall items expanded "$ITEM_SIZE" "$cmd")
            fullc=$(med cpu items expanded "$ITEM_SIZE" "$cmd")
            tower=$(med wall items tower "$ITEM_SIZE" "$cmd")
            towerc=$(med cpu items tower "$ITEM_SIZE" "$cmd")
            echo
            echo "What each generated item costs: $(cmd_name "$cmd"), $ITEM_SIZE handlers, median of $ITEM_REPS, the variants"
            echo "round-robin. \"saved\" is \`expanded\` (every item written out) minus the variant, per handler."
            echo
            echo "| variant | what | wall s | / tower-http | saved ms/handler | CPU s | / tower-http | saved ms/handler (CPU) | wall samples |"
            echo "|---|---|---|---|---|---|---|---|---|"
            for v in "${ITEM_VARIANTS[@]}"; do
                IFS='|' read -r label _ _ what <<<"$v"
                [ -n "$(col wall items "$label" "$ITEM_SIZE" "$cmd")" ] || continue
                awk -v l="$label" -v w="$what" -v n="$ITEM_SIZE" \
                    -v m="$(med wall items "$label" "$ITEM_SIZE" "$cmd")" -v f="$full" -v t="$tower" \
                    -v mc="$(med cpu items "$label" "$ITEM_SIZE" "$cmd")" -v fc="$fullc" -v tc="$towerc" \
                    -v s="$(samples wall items "$label" "$ITEM_SIZE" "$cmd")" 'BEGIN {
                    printf "| %s | %s | %.3f | %.2fx | %+.2f | %.3f | %.2fx | %+.2f | %s |\n", l, w, m, m / t, (f - m) * 1000 / n, mc, mc / tc, (fc - mc) * 1000 / n, s
                }'
            done
        done
    fi
}

if [ -n "$REPORT_ONLY" ]; then
    RESULTS=$REPORT_ONLY
    report
    exit 0
fi

# ---------------------------------------------------------------- measuring

cargo_args() {
    case $1 in
        check) echo check ;;
        build) echo build ;;
        release) echo "build --release" ;;
    esac
}

# Whether cargo's output $1 shows a dependency of crate $2 failing to compile:
# the repository in the middle of someone's edit.
dep_broken() {
    grep -o 'could not compile `[^`]*`' "$1" 2>/dev/null | grep -vq "\`$2\`"
}

# Waits for the repository to compile again (someone is editing it), at most 10 minutes.
wait_for_repo() { # log crate
    local tries=${WAITED:-0}
    if [ "$tries" -ge 20 ]; then
        echo "run.sh: the repository has not compiled for 10 minutes:" >&2
        tail -40 "$1" >&2
        exit 1
    fi
    WAITED=$((tries + 1))
    echo "  (a dependency of $2 does not compile: the repository is being edited; waiting 30 s)" >&2
    sleep 30
}

# Builds once, untimed; stops the run if the generated crate does not compile.
warm() { # crate cmd
    local log="$WORK/logs/warm.$1.$2"
    # shellcheck disable=SC2046
    while ! (cd "${WS_OF[$1]}" && cargo $(cargo_args "$2") -p "$1" --offline >"$log" 2>&1); do
        if dep_broken "$log" "$1"; then wait_for_repo "$log" "$1"; continue; fi
        echo "run.sh: cargo $(cargo_args "$2") -p $1 failed:" >&2
        tail -40 "$log" >&2
        exit 1
    done
}

# One sample: clean the user crate, time the command. Prints "wall cpu" in seconds.
sample() { # crate cmd
    local crate=$1 cmd=$2 log="$WORK/logs/$1.$2.json" tfile="$WORK/logs/$1.$2.time" try rebuilt
    local TIMEFORMAT='%R %U %S' wall user sys
    for try in 1 2 3 4 5; do
        # `cargo clean -p` cleans one profile: dev's, unless told `--release`.
        # shellcheck disable=SC2046
        (cd "${WS_OF[$crate]}" && cargo clean -p "$crate" $([ "$cmd" = release ] && echo --release) --offline -q) \
            >/dev/null 2>&1
        # shellcheck disable=SC2046
        if ! { time (cd "${WS_OF[$crate]}" && cargo $(cargo_args "$cmd") -p "$crate" --offline \
            --message-format=json >"$log" 2>"$log.stderr"); } 2>"$tfile"; then
            if dep_broken "$log.stderr" "$crate"; then wait_for_repo "$log.stderr" "$crate"; continue; fi
            echo "run.sh: cargo $(cargo_args "$cmd") -p $crate failed:" >&2
            tail -40 "$log.stderr" >&2
            exit 1
        fi
        read -r wall user sys <"$tfile"
        # The targets cargo compiled (not fresh): the user crate, and nothing else.
        rebuilt=$(grep '"reason":"compiler-artifact"' "$log" | grep '"fresh":false' \
            | sed -n 's/.*"target":{[^}]*"name":"\([^"]*\)".*/\1/p' || true)
        if ! printf '%s\n' "$rebuilt" | grep -qx "$crate"; then
            echo "run.sh: $crate was not rebuilt after cargo clean -p" >&2
            exit 1
        fi
        if [ -n "$(printf '%s\n' "$rebuilt" | grep -vx "$crate" || true)" ]; then
            echo "  (a dependency was rebuilt during $crate $cmd: sample taken again)" >&2
            continue
        fi
        awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f %.3f", w, u + s }'
        return 0
    done
    echo "run.sh: dependencies keep changing under $crate; stop editing the repository during a run" >&2
    exit 1
}

RESULTS="$WORK/results-$(date -u +%Y%m%dT%H%M%SZ).tsv"
printf 'group\tlabel\tn\tcmd\trep\twall\tcpu\n' >"$RESULTS"
addmeta() { printf '#meta\t%s\t%s\n' "$1" "$2" >>"$RESULTS"; }
REPORTED=0
on_exit() {
    if [ "$REPORTED" = 0 ] && grep -q '^main\|^items' "$RESULTS" 2>/dev/null; then
        echo "run.sh: stopped early; the tables of the samples taken: bash $0 --report $RESULTS" >&2
    fi
}
trap on_exit EXIT


record() { # group label n cmd rep crate
    local s
    s=$(sample "$6" "$4")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${s// /$'\t'}" >>"$RESULTS"
    echo "  $1 N=$3 $4 $2 #$5: wall ${s% *} s, cpu ${s#* } s" >&2
}

HEAD=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain -- Cargo.toml src cors-macros cors-runtime cors-rules 2>/dev/null | head -c1 || true)
addmeta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
addmeta cpus "$(nproc)"
addmeta rustc "$(rustc --version)"
src_name() { # a route-cors directory, as a commit or the working tree
    case $1 in
        "$ROOT") echo "the working tree (HEAD $HEAD${DIRTY:+, with uncommitted changes})" ;;
        *) echo "commit $(basename "$1")" ;;
    esac
}
if [ "$MAIN" = 1 ]; then addmeta main_src "$(src_name "$MAIN_SRC")"; fi
if [ "$ITEMS" = 1 ]; then addmeta item_src "$(src_name "$ITEM_SRC")"; fi
addmeta handler "async fn hN($SIG) -> $RET"
if [ "$INFER_STATE" = 1 ]; then
    addmeta routers "routers made without their type (state inferred from the end of \`main\`)"
else
    addmeta routers "routers made with their type (\`let mut app: axum::Router\`, \`let mut app: route_cors::CorsRouter\`)"
fi

# Warm-up: the dependencies of every kind of crate, in every profile used,
# built once through the first crate of that kind.
echo "warming up (dependencies, untimed) ..." >&2
declare -A WARMED
for name in "${MEMBERS[@]}"; do
    for c in ${CMDS_OF[$name]}; do
        key="${KIND_OF[$name]}.$c"
        [ -n "${WARMED[$key]:-}" ] && continue
        echo "  $(cargo_args "$c") -p $name" >&2
        warm "$name" "$c"
        WARMED[$key]=1
    done
done

START=$EPOCHREALTIME
addmeta load0 "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

if [ "$MAIN" = 1 ]; then
    for n in $SIZES; do
        a=${CRATE[main.macro.$n]}
        b=${CRATE[main.tower.$n]}
        for cmd in $COMMANDS; do
            for ((r = 1; r <= REPS; r++)); do
                if ((r % 2)); then
                    record main macro "$n" "$cmd" "$r" "$a"
                    record main tower "$n" "$cmd" "$r" "$b"
                else
                    record main tower "$n" "$cmd" "$r" "$b"
                    record main macro "$n" "$cmd" "$r" "$a"
                fi
            done
        done
    done
fi

if [ "$ITEMS" = 1 ]; then
    nv=${#ITEM_VARIANTS[@]}
    for cmd in $ITEM_COMMANDS; do
        for ((r = 1; r <= ITEM_REPS; r++)); do
            # Round-robin, each round starting one variant further on.
            for ((j = 0; j < nv; j++)); do
                v=${ITEM_VARIANTS[$(((j + r - 1) % nv))]}
                IFS='|' read -r label _ <<<"$v"
                record items "$label" "$ITEM_SIZE" "$cmd" "$r" "${CRATE[items.$label.$ITEM_SIZE]}"
            done
        done
    done
fi

addmeta load1 "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
addmeta seconds "$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')"
report
REPORTED=1
