#include "dnsd/pipeline/plugin.hpp"

namespace dnsd::pipeline {

const Plugin* PluginRegistry::Find(std::string_view name) const {
  const std::size_t rank = Rank(name);
  return rank < plugins.size() ? &plugins[rank] : nullptr;
}

std::size_t PluginRegistry::Rank(std::string_view name) const {
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    if (plugins[i].name == name) return i;
  }
  return plugins.size();
}

}  // namespace dnsd::pipeline
