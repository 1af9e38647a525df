#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for the end-to-end tests, CJK fonts so screenshots
# show Chinese text. Idempotent; skips apt when everything is present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# pdftoppm / pdftotext: the evidence-bundle tests render and read the PDF report.
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK\|WenQuanYi' || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
# PostgreSQL is optional for the suite: tests that need it use DATABASE_URL or 127.0.0.1:5432 when it answers.
