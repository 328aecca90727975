// Zone arguments as CoreDNS's plugin.Host(...).NormalizeExact() reads them: "dns://" and a numeric
// port dropped, lower case, fully qualified; a CIDR ("10.0.0.0/8", "fd00::/60") becomes its reverse
// zones, split on label boundaries. What CoreDNS cannot read is ignored, as CoreDNS ignores it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dnsd::plugins::hosts {

// Appends the zones `text` stands for to `out` (none when CoreDNS would drop it).
void AppendZones(std::string_view text, std::vector<std::string>& out);

}  // namespace dnsd::plugins::hosts
