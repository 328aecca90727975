#include "dnsd/plugins/cache/handler.hpp"

#include <algorithm>

#include "dnsd/metrics/responder.hpp"
#include "dnsd/metrics/labels.hpp"

namespace dnsd::plugins::cache {
namespace {

constexpr std::size_t kMaxMessage = 65535;

std::uint32_t Clamp(std::uint32_t ttl, Seconds min, Seconds max) {  // CoreDNS computeTTL
  std::int64_t value = ttl;
  if (value < min.count()) value = min.count();
  if (value > max.count()) value = max.count();
  return static_cast<std::uint32_t>(value);
}

}  // namespace

void CachingTransaction::Load(pipeline::Transaction& client, const CacheKey& key, bool verify_stale) {
  client_ = &client;
  key_ = key;
  verify_stale_ = verify_stale;
  CopyRequestFrom(client);
}

void CachingTransaction::Respond(std::span<const std::uint8_t> response) {
  owner_.OnAnswer(*this, response);
}

void RefreshTransaction::Load(const pipeline::Transaction& client, const CacheKey& key) {
  key_ = key;
  auto query = client.Query();
  bytes_.assign(query.begin(), query.end());
  query_ = bytes_;
  wire::ParseMessage(query_, view_);  // parsed before as the client's query: cannot fail
  // The client's transport: over UDP, forward retries a truncated answer over TCP itself.
  transport_ = client.transport();
  client_address_ = client.ClientAddress();
  client_port_ = client.ClientPort();
  server_address_ = client.ServerAddress();
  server_port_ = client.ServerPort();
}

void RefreshTransaction::Respond(std::span<const std::uint8_t> response) {
  owner_.OnRefreshAnswer(*this, response);
}

CacheHandler::CacheHandler(std::shared_ptr<const CompiledOptions> options,
                           std::shared_ptr<CacheStore> store, std::shared_ptr<const Clock> clock,
                           unsigned worker)
    : options_(std::move(options)), store_(std::move(store)), clock_(std::move(clock)),
      hit_buffer_(kMaxMessage + kBareOptSize), stored_buffer_(kMaxMessage + kBareOptSize),
      hit_offsets_(kMaxRecords), stored_offsets_(kMaxRecords),
      metrics_(metrics::ZonesLabel(options_->options.zones), store_, worker) {}

void CacheHandler::Answer(pipeline::Transaction& client, std::span<const std::uint8_t> response) {
  metrics::NoteResponder(metrics::Responder::kCache);
  client.Respond(response);
}

CacheHandler::~CacheHandler() = default;

bool CacheHandler::QueryCacheable(const wire::MessageView& view) const {
  if (view.header.opcode() != wire::Opcode::kQuery) return false;
  if (view.qtype == wire::type::kAXFR || view.qtype == wire::type::kIXFR) return false;
  return options_->InZones(view.qname);
}

void CacheHandler::RespondFromEntry(pipeline::Transaction& tx, const LookupResult& hit,
                                    std::uint32_t ttl) {
  ReplyPatch patch;
  patch.client_query = tx.Query();
  patch.client_view = &tx.View();
  patch.ttl_offsets = {hit_offsets_.data(), hit.ttl_count};
  patch.ttl = ttl;
  patch.keep_ttl = options_->options.keep_ttl;
  patch.from_cache = true;
  const std::size_t length = PatchReply(hit_buffer_, hit.length, patch);
  Answer(tx, {hit_buffer_.data(), length});
}

RefreshTransaction* CacheHandler::PrepareRefresh(const pipeline::Transaction& tx, const CacheKey& key) {
  RefreshTransaction* refresh = refresh_pool_.Acquire(*this);
  refresh->Load(tx, key);
  return refresh;
}

void CacheHandler::Serve(pipeline::Transaction& tx) {
  const wire::MessageView& view = tx.View();
  if (!QueryCacheable(view)) return Next(tx);
  MakeKey(view, key_);
  CacheCounters& counters = metrics_.For(tx.ServerPort());
  counters.requests.Add();
  const LookupResult hit =
      store_->Lookup(key_, clock_->NowNanos(), LookupMode::kServe, hit_buffer_, hit_offsets_);
  // CoreDNS counts a usable entry as a hit, stale ones too (served or verified first).
  if (hit.status == LookupStatus::kMiss) counters.misses.Add();
  else counters.hits[static_cast<int>(hit.kind)].Add();
  const bool verify = options_->options.stale_mode == StaleMode::kVerify;
  if (hit.status == LookupStatus::kFresh || (hit.status == LookupStatus::kStale && !verify)) {
    // The refresh copies the query now: after Respond the client's transaction is gone.
    RefreshTransaction* refresh = hit.start_refresh ? PrepareRefresh(tx, key_) : nullptr;
    if (refresh) counters.prefetches.Add();
    if (hit.status == LookupStatus::kFresh) {
      RespondFromEntry(tx, hit, static_cast<std::uint32_t>(hit.remaining));
    } else {
      counters.served_stale.Add();
      RespondFromEntry(tx, hit, 0);  // CoreDNS answers stale entries with TTL 0
    }
    if (refresh) Next(*refresh);
    return;
  }
  CachingTransaction* caching = caching_pool_.Acquire(*this);
  caching->Load(tx, key_, hit.status == LookupStatus::kStale);
  Next(*caching);
}

CacheHandler::StoredAnswer CacheHandler::Store(const CacheKey& key, const wire::MessageView& query,
                                               std::span<const std::uint8_t> response, bool refresh,
                                               CacheCounters& counters) {
  StoredAnswer stored;
  const Analysis analysis = Analyse(response, query, stored_offsets_);
  if (analysis.mismatched) counters.drops.Add();
  if (!analysis.cacheable) return stored;
  const Options& options = options_->options;
  Kind kind = Kind::kSuccess;
  std::uint32_t ttl = 0;
  switch (analysis.type) {
    case AnswerType::kNoError:
    case AnswerType::kDelegation:
      ttl = Clamp(analysis.minimal_ttl, options.success.min_ttl, options.success.max_ttl);
      break;
    case AnswerType::kNoData:
    case AnswerType::kNameError:
      kind = Kind::kDenial;
      ttl = Clamp(analysis.minimal_ttl, options.denial.min_ttl, options.denial.max_ttl);
      break;
    case AnswerType::kServerError:
      // A refresh never replaces an entry with a failure (RFC 8767 4).
      if (refresh) return stored;
      kind = Kind::kDenial;
      ttl = static_cast<std::uint32_t>(std::chrono::duration_cast<Seconds>(options.servfail_ttl).count());
      break;
    case AnswerType::kOther:
      return stored;
  }
  if (ttl == 0 || options_->Disabled(static_cast<int>(kind), query.qname)) return stored;
  const std::size_t length = BuildStoredForm(response, analysis, stored_buffer_);
  if (length == 0) return stored;
  InsertRequest request;
  request.key = &key;
  request.kind = kind;
  request.message = {stored_buffer_.data(), length};
  request.ttl_offsets = {stored_offsets_.data(), analysis.ttl_count};
  request.ttl = ttl;
  request.now = clock_->NowNanos();
  if (store_->Insert(request)) counters.evictions[static_cast<int>(kind)].Add();
  stored.length = length;
  stored.ttl_count = analysis.ttl_count;
  stored.ttl = ttl;
  return stored;
}

void CacheHandler::OnAnswer(CachingTransaction& caching, std::span<const std::uint8_t> response) {
  pipeline::Transaction* client = caching.client_;
  if (caching.verify_stale_) {
    // serve_stale verify: only NOERROR and NXDOMAIN count as refreshed (RFC 8767 4, as CoreDNS).
    wire::MessageView head;
    const bool refreshed = wire::ParseHead(response, head) == wire::WireError::kOk &&
                           (head.header.rcode() == 0 || head.header.rcode() == 3);
    if (!refreshed) {
      const LookupResult stale = store_->Lookup(caching.key_, clock_->NowNanos(),
                                                LookupMode::kStaleFallback, hit_buffer_, hit_offsets_);
      if (stale.status != LookupStatus::kMiss) {
        caching_pool_.Release(&caching);
        metrics_.For(client->ServerPort()).served_stale.Add();
        return RespondFromEntry(*client, stale, static_cast<std::uint32_t>(std::max<std::int64_t>(stale.remaining, 0)));
      }
    }
  }
  const StoredAnswer stored =
      Store(caching.key_, client->View(), response, false, metrics_.For(client->ServerPort()));
  caching_pool_.Release(&caching);  // nothing below touches it
  if (stored.length == 0) return Answer(*client, response);
  // The client gets what a hit would give it now: the capped TTL on every record (CoreDNS), the
  // OPT record rebuilt for its EDNS.
  ReplyPatch patch;
  patch.client_query = client->Query();
  patch.client_view = &client->View();
  patch.ttl_offsets = {stored_offsets_.data(), stored.ttl_count};
  patch.ttl = stored.ttl;
  patch.keep_ttl = options_->options.keep_ttl;
  const std::size_t length = PatchReply(stored_buffer_, stored.length, patch);
  Answer(*client, {stored_buffer_.data(), length});
}

void CacheHandler::OnRefreshAnswer(RefreshTransaction& refresh, std::span<const std::uint8_t> response) {
  const StoredAnswer stored =
      Store(refresh.key_, refresh.View(), response, true, metrics_.For(refresh.ServerPort()));
  if (stored.length == 0) store_->EndRefresh(refresh.key_);
  refresh_pool_.Release(&refresh);
}

}  // namespace dnsd::plugins::cache
