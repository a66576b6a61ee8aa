#include "diag/consent.h"

namespace caora {

Consent ask_consent(Interaction& io, bool yes, const Text& what, const std::vector<std::string>& changes) {
  if (yes) return Consent::Given;
  if (!io.interactive()) return Consent::NoTerminal;
  return io.confirm(what, changes) ? Consent::Given : Consent::Declined;
}

Error consent_refused(Consent consent, const std::string& object_en) {
  if (consent == Consent::Declined) return make_error(ErrorKind::NeedsTechnician, "中止しました", "cancelled");
  return make_error(ErrorKind::NeedsTechnician, "端末がないため確認できません。--yes を付けて実行してください",
                    "no terminal to confirm " + object_en + ": rerun with --yes");
}

Expected<SiteLock> confirm_then_lock(Interaction& io, bool yes, const fs::path& state_dir, const Text& what,
                                     const std::vector<std::string>& changes, const std::string& object_en) {
  Consent consent = ask_consent(io, yes, what, changes);
  if (consent != Consent::Given) return consent_refused(consent, object_en);
  return SiteLock::acquire(state_dir);
}

}  // namespace caora
