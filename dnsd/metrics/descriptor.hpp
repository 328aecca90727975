// Each metric declared once. A Metric<Block> names a family (name, help, type, labels) and where
// one block's value of it lives (a pointer to a member of Block); a table of them is all a
// collector needs: Collect() makes the families, sums every worker's blocks per series key and
// adds the series. Array members are label dimensions: SlotLabels take their values from the
// index, in the order the arrays nest (outermost first). The hot path is untouched: a worker adds
// to its Block's fields as before.
//
// Adding a metric: a field in the plugin's Block and one line in its table, e.g.
//   {"coredns_cache_hits_total", "The count of cache hits.", Type::kCounter, kTyped, Field<&CacheCounters::hits>()},
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/local_counter.hpp"
#include "dnsd/metrics/per_worker.hpp"

namespace dnsd::metrics {

enum class Type { kCounter, kGauge, kHistogram };

// Where one label's value comes from: the series key, an array index, or a constant.
struct Label {
  enum class From { kKey, kSlot, kFixed };
  std::string_view name;
  From from = From::kFixed;
  std::size_t key = 0;                          // kKey: index into the series key
  std::string (*slot)(std::size_t) = nullptr;   // kSlot: the value naming an array index
  std::string_view fixed;                       // kFixed
};
inline Label KeyLabel(std::string_view name, std::size_t index) { return {name, Label::From::kKey, index, nullptr, {}}; }
inline Label SlotLabel(std::string_view name, std::string (*value)(std::size_t)) {
  return {name, Label::From::kSlot, 0, value, {}};
}
inline Label FixedLabel(std::string_view name, std::string_view value) {
  return {name, Label::From::kFixed, 0, nullptr, value};
}

// How to read one metric from a Block: the array shape of the field (empty for a scalar) and a
// reader of the value (counters, gauges) or the histogram at an index.
template <typename Block>
struct Source {
  std::vector<std::size_t> shape;
  double (*value)(const Block&, const std::size_t* at) = nullptr;
  void (*histogram)(const Block&, const std::size_t* at, HistogramSum&) = nullptr;
  std::span<const double> bounds;  // histograms: the upper bounds, as LocalHistogram observed them
};

template <typename Block>
struct Metric {
  std::string_view name, help;
  Type type;
  std::vector<Label> labels;
  Source<Block> source;
  // Series appear once non-zero (CoreDNS's vectors create a series on first use); otherwise every
  // key exports every index, zeros too. Histograms without an observation are always left out.
  bool skip_zero = false;
};

namespace detail {

template <typename T>
struct Shape {
  using Leaf = T;
  static void Sizes(std::vector<std::size_t>&) {}
  static const Leaf& At(const T& v, const std::size_t*) { return v; }
};
template <typename T, std::size_t N>
struct Shape<std::array<T, N>> {
  using Leaf = typename Shape<T>::Leaf;
  static void Sizes(std::vector<std::size_t>& out) {
    out.push_back(N);
    Shape<T>::Sizes(out);
  }
  static const Leaf& At(const std::array<T, N>& v, const std::size_t* at) { return Shape<T>::At(v[*at], at + 1); }
};
template <typename T, std::size_t N>
struct Shape<T[N]> {
  using Leaf = typename Shape<T>::Leaf;
  static void Sizes(std::vector<std::size_t>& out) {
    out.push_back(N);
    Shape<T>::Sizes(out);
  }
  static const Leaf& At(const T (&v)[N], const std::size_t* at) { return Shape<T>::At(v[*at], at + 1); }
};

template <typename M>
struct MemberOf;
template <typename B, typename T>
struct MemberOf<T B::*> {
  using Block = B;
  using Type = T;
};

inline double Read(const LocalCounter& c) { return static_cast<double>(c.Read()); }
inline double Read(const std::atomic<std::uint64_t>& c) { return static_cast<double>(c.load(std::memory_order_relaxed)); }
template <std::size_t kBounds>
double Read(const LocalHistogram<kBounds>& h) {  // a histogram read as a count: its observations
  return static_cast<double>(h.Count());
}
template <typename T>
  requires std::is_arithmetic_v<T>
double Read(T v) {
  return static_cast<double>(v);
}

template <typename T>
struct IsLocalHistogram : std::false_type {};
template <std::size_t kBounds>
struct IsLocalHistogram<LocalHistogram<kBounds>> : std::true_type {};

}  // namespace detail

// A counter or gauge: the member's value; an array member, one series per index.
template <auto member>
Source<typename detail::MemberOf<decltype(member)>::Block> Field() {
  using Of = detail::MemberOf<decltype(member)>;
  using Shape = detail::Shape<typename Of::Type>;
  Source<typename Of::Block> source;
  Shape::Sizes(source.shape);
  source.value = [](const typename Of::Block& b, const std::size_t* at) { return detail::Read(Shape::At(b.*member, at)); };
  return source;
}

// A counter or gauge without an index: the sum over every element of an array member.
template <auto member>
Source<typename detail::MemberOf<decltype(member)>::Block> Total() {
  using Of = detail::MemberOf<decltype(member)>;
  Source<typename Of::Block> source;
  source.value = [](const typename Of::Block& b, const std::size_t*) {
    double sum = 0;
    for (const auto& element : b.*member) sum += detail::Read(element);
    return sum;
  };
  return source;
}

// A histogram member (or array of them); `bounds` are the ones it observes with.
template <auto member, std::size_t N>
Source<typename detail::MemberOf<decltype(member)>::Block> Histogram(const std::array<double, N>& bounds) {
  using Of = detail::MemberOf<decltype(member)>;
  using Shape = detail::Shape<typename Of::Type>;
  static_assert(detail::IsLocalHistogram<typename Shape::Leaf>::value, "Histogram() wants LocalHistogram members");
  static_assert(Shape::Leaf::kBuckets == N + 1, "bounds of another histogram");
  Source<typename Of::Block> source;
  Shape::Sizes(source.shape);
  source.histogram = [](const typename Of::Block& b, const std::size_t* at, HistogramSum& sum) {
    sum.Add(Shape::At(b.*member, at));
  };
  source.bounds = bounds;
  return source;
}

// The families of one table while a scrape fills them: Add() a series key with its blocks (anything
// with ForEach(f(const Block&)): a PerWorker, or One()), then MoveTo() the collector's output.
template <typename Block>
class Families {
 public:
  using Key = std::vector<std::string>;

  explicit Families(std::span<const Metric<Block>> table) : table_(table) {
    for (const Metric<Block>& m : table_) {
      families_.push_back(NewFamily(std::string(m.name), std::string(m.help), PrometheusType(m.type)));
    }
  }

  template <typename Blocks>
  void Add(const Key& key, const Blocks& blocks) {
    for (std::size_t i = 0; i < table_.size(); ++i) AddMetric(table_[i], families_[i], key, blocks);
  }

  // The families with at least one series, in table order.
  void MoveTo(std::vector<::prometheus::MetricFamily>& out) {
    for (auto& family : families_) {
      if (!family.metric.empty()) out.push_back(std::move(family));
    }
    families_.clear();
  }

 private:
  static ::prometheus::MetricType PrometheusType(Type type) {
    switch (type) {
      case Type::kCounter: return ::prometheus::MetricType::Counter;
      case Type::kGauge: return ::prometheus::MetricType::Gauge;
      case Type::kHistogram: return ::prometheus::MetricType::Histogram;
    }
    return ::prometheus::MetricType::Untyped;
  }

  // Index `flat` (row-major over `shape`) as one coordinate per dimension.
  static std::vector<std::size_t> Coordinates(const std::vector<std::size_t>& shape, std::size_t flat) {
    std::vector<std::size_t> at(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
      at[d] = flat % shape[d];
      flat /= shape[d];
    }
    return at;
  }

  static Labels LabelsOf(const Metric<Block>& m, const Key& key, const std::vector<std::size_t>& at) {
    Labels labels;
    std::size_t dimension = 0;
    for (const Label& l : m.labels) {
      std::string value;
      switch (l.from) {
        case Label::From::kKey: value = key.at(l.key); break;
        case Label::From::kSlot: value = l.slot(at.at(dimension++)); break;
        case Label::From::kFixed: value = std::string(l.fixed); break;
      }
      labels.push_back({std::string(l.name), std::move(value)});
    }
    return labels;
  }

  template <typename Blocks>
  static void AddMetric(const Metric<Block>& m, ::prometheus::MetricFamily& family, const Key& key,
                        const Blocks& blocks) {
    std::size_t slots = 1;
    for (std::size_t n : m.source.shape) slots *= n;
    std::vector<std::vector<std::size_t>> at;
    at.reserve(slots);
    for (std::size_t i = 0; i < slots; ++i) at.push_back(Coordinates(m.source.shape, i));
    if (m.type == Type::kHistogram) {
      std::vector<HistogramSum> sums(slots);
      blocks.ForEach([&](const Block& b) {
        for (std::size_t i = 0; i < slots; ++i) m.source.histogram(b, at[i].data(), sums[i]);
      });
      for (std::size_t i = 0; i < slots; ++i) AddHistogram(family, LabelsOf(m, key, at[i]), sums[i], m.source.bounds);
      return;
    }
    std::vector<double> sums(slots, 0.0);
    blocks.ForEach([&](const Block& b) {
      for (std::size_t i = 0; i < slots; ++i) sums[i] += m.source.value(b, at[i].data());
    });
    for (std::size_t i = 0; i < slots; ++i) {
      if (m.skip_zero && sums[i] == 0) continue;
      if (m.type == Type::kCounter) AddCounter(family, LabelsOf(m, key, at[i]), sums[i]);
      else AddGauge(family, LabelsOf(m, key, at[i]), sums[i]);
    }
  }

  std::span<const Metric<Block>> table_;
  std::vector<::prometheus::MetricFamily> families_;
};

// One block as a series' only source (state that is not per worker: a store, a shared gauge).
template <typename Block>
struct One {
  const Block& block;
  template <typename F>
  void ForEach(F&& f) const {
    f(block);
  }
};
template <typename Block>
One(const Block&) -> One<Block>;

// Every series of `series` (one key each, summed over its workers) into `out`.
template <typename Block>
void Collect(std::span<const Metric<Block>> table, const KeyedSeries<Block>& series,
             std::vector<::prometheus::MetricFamily>& out) {
  Families<Block> families(table);
  series.ForEach([&](const std::vector<std::string>& key, const PerWorker<Block>& workers) { families.Add(key, workers); });
  families.MoveTo(out);
}

// Label-less metrics of per-worker blocks without a key.
template <typename Block>
void Collect(std::span<const Metric<Block>> table, const PerWorker<Block>& workers,
             std::vector<::prometheus::MetricFamily>& out) {
  Families<Block> families(table);
  families.Add({}, workers);
  families.MoveTo(out);
}

}  // namespace dnsd::metrics
