"""Bahasa Indonesia (default) and English: every label, and numbers written the way each reader expects.

Indonesian: Rp 2,42 T and 126.506; English: IDR 2.42 T and 126,506.
"""

from __future__ import annotations

import math

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

TEXTS: dict[str, dict[str, str]] = {
    "app.title": {"id": "Atlas Kawasan", "en": "Atlas Kawasan"},
    "app.subtitle": {
        "id": "Kawasan Ekonomi Khusus dan kawasan industri Indonesia, serta kawasan Kaltim di sekitar IKN",
        "en": "Indonesia's Special Economic Zones and industrial estates, and the Kaltim estates around IKN",
    },
    "tab.national": {"id": "Nasional", "en": "National"},
    "tab.kaltim": {"id": "Kaltim / IKN", "en": "Kaltim / IKN"},
    "filter.sector": {"id": "Sektor", "en": "Sector"},
    "filter.kind": {"id": "Jenis kawasan", "en": "Zone type"},
    "filter.status": {"id": "Status", "en": "Status"},
    "filter.province": {"id": "Provinsi", "en": "Province"},
    "filter.regency": {"id": "Kabupaten/kota", "en": "Regency/city"},
    "filter.search": {"id": "Cari kawasan", "en": "Find a zone"},
    "filter.any": {"id": "Semua", "en": "All"},
    "filter.reset": {"id": "Atur ulang filter", "en": "Reset filters"},
    "control.color": {"id": "Warna peta", "en": "Map colour"},
    "color.sector": {"id": "Sektor utama", "en": "Primary sector"},
    "color.kind": {"id": "Jenis kawasan", "en": "Zone type"},
    "control.basemap": {"id": "Peta dasar", "en": "Basemap"},
    "control.layers": {"id": "Lapisan", "en": "Layers"},
    "layer.regencies": {"id": "Batas kabupaten/kota", "en": "Regency boundaries"},
    "tiles.layers": {"id": "Lapisan besar (petak)", "en": "Large layers (parcels)"},
    "tiles.category": {"id": "Kategori petak", "en": "Parcel category"},
    "tiles.all": {"id": "Semua kategori", "en": "All categories"},
    "basemap.offline": {"id": "Luring (bawaan)", "en": "Offline (shipped)"},
    "basemap.online": {"id": "Daring (OpenStreetMap)", "en": "Online (OpenStreetMap)"},
    "basemap.unreachable": {
        "id": "Peta daring tidak dapat dimuat; kembali ke peta luring.",
        "en": "The online map could not be loaded; back to the offline map.",
    },
    "control.language": {"id": "Bahasa", "en": "Language"},
    "control.view": {"id": "Tampilan", "en": "View"},
    "kpi.zones": {"id": "Kawasan ditampilkan", "en": "Zones shown"},
    "kpi.investment": {"id": "Realisasi investasi", "en": "Realized investment"},
    "kpi.workforce": {"id": "Tenaga kerja", "en": "Workforce"},
    "kpi.area": {"id": "Luas total", "en": "Total area"},
    "kpi.reporting": {"id": "{n} dari {m} kawasan melaporkan", "en": "{n} of {m} zones report it"},
    "kpi.of_total": {"id": "dari {m} kawasan", "en": "of {m} zones"},
    "chart.investment": {"id": "Realisasi investasi per kawasan", "en": "Realized investment by zone"},
    "chart.investment.axis": {
        "id": "Realisasi investasi (Rp triliun)",
        "en": "Realized investment (IDR trillion)",
    },
    "chart.investment.top": {
        "id": "grafik menampilkan {n} terbesar",
        "en": "the chart shows the {n} largest",
    },
    "chart.investment.empty": {
        "id": "Tidak ada kawasan terpilih yang melaporkan investasi.",
        "en": "No zone in the selection reports investment.",
    },
    "chart.national": {"id": "Investasi KEK nasional", "en": "National KEK investment"},
    "chart.national.cumulative": {"id": "Kumulatif", "en": "Cumulative"},
    "chart.national.annual": {"id": "Tahunan", "en": "Annual"},
    "chart.national.target": {"id": "Target {year}", "en": "{year} target"},
    "chart.national.axis": {"id": "Rp triliun", "en": "IDR trillion"},
    "chart.source": {"id": "Sumber", "en": "Source"},
    "map.label": {"id": "Peta kawasan", "en": "Map of zones"},
    "legend.title": {"id": "Legenda", "en": "Legend"},
    "legend.port": {"id": "Pelabuhan / port", "en": "Port"},
    "legend.airport": {"id": "Bandara / airport", "en": "Airport"},
    "legend.city": {"id": "Kota / city", "en": "City"},
    # the dropdowns' own texts ({num_selected} is filled by the dropdown)
    "dropdown.select_all": {"id": "Pilih semua", "en": "Select all"},
    "dropdown.deselect_all": {"id": "Batalkan semua", "en": "Deselect all"},
    "dropdown.selected_count": {"id": "{num_selected} dipilih", "en": "{num_selected} selected"},
    "dropdown.search": {"id": "Cari", "en": "Search"},
    "dropdown.clear_search": {"id": "Hapus pencarian", "en": "Clear search"},
    "dropdown.clear_selection": {"id": "Hapus pilihan", "en": "Clear selection"},
    "dropdown.no_options_found": {"id": "Tidak ada pilihan", "en": "No options found"},
    "legend.more": {"id": "+{n} lainnya", "en": "+{n} more"},
    "legend.outline": {
        "id": "Cincin titik: gelap = KEK, putih = KI, abu-abu = KIHT",
        "en": "Point ring: dark = KEK, white = KI, grey = KIHT",
    },
    "legend.footprint.official": {"id": "Batas resmi (kek.go.id)", "en": "Official boundary (kek.go.id)"},
    "legend.footprint.imported": {"id": "Batas impor (berkas Anda)", "en": "Imported boundary (your file)"},
    "legend.footprint.indicative": {
        "id": "Indikatif, garis putus-putus (lingkaran seluas luas resmi, bukan batas)",
        "en": "Indicative, dashed (circle of the official area, not a boundary)",
    },
    "legend.point": {"id": "Titik kawasan", "en": "Zone point"},
    "legend.ikn": {"id": "IKN (Titik Nol / KIPP)", "en": "IKN (Titik Nol / KIPP)"},
    "legend.ring": {"id": "Cincin jarak dari IKN", "en": "Distance ring from IKN"},
    "legend.road": {
        "id": "Ruas jalan utama, garis skematik (panjang bersumber)",
        "en": "Trunk-road link, schematic line (sourced length)",
    },
    "legend.road.estimated": {
        "id": "Ruas jalan utama, garis skematik (panjang perkiraan)",
        "en": "Trunk-road link, schematic line (estimated length)",
    },
    "legend.provinces": {
        "id": "Batas provinsi dan kabupaten/kota: Kepmendagri 2025 (wilayah_boundaries, MIT), disederhanakan",
        "en": "Province and regency lines: Kepmendagri 2025 (wilayah_boundaries, MIT), simplified",
    },
    "detail.title": {"id": "Rincian kawasan", "en": "Zone detail"},
    "detail.empty": {
        "id": "Pilih kawasan di peta, grafik, atau kotak pencarian.",
        "en": "Pick a zone on the map, in the chart or in the search box.",
    },
    "detail.filtered_out": {
        "id": "Kawasan terpilih tersembunyi oleh filter saat ini.",
        "en": "The selected zone is hidden by the current filters.",
    },
    "detail.clear": {"id": "Tutup", "en": "Close"},
    "field.kind": {"id": "Jenis", "en": "Type"},
    "field.status": {"id": "Status", "en": "Status"},
    "field.province": {"id": "Provinsi", "en": "Province"},
    "field.regency": {"id": "Kabupaten/kota", "en": "Regency/city"},
    "field.sectors": {"id": "Sektor", "en": "Sectors"},
    "field.area": {"id": "Luas", "en": "Area"},
    "field.investment": {"id": "Realisasi investasi", "en": "Realized investment"},
    "field.workforce": {"id": "Tenaga kerja", "en": "Workforce"},
    "field.legal_basis": {"id": "Dasar hukum", "en": "Legal basis"},
    "field.operator": {"id": "Pengelola/pengusul", "en": "Operator/proposer"},
    "field.point": {"id": "Titik (lon, lat)", "en": "Point (lon, lat)"},
    "field.precision": {"id": "Ketelitian koordinat", "en": "Coordinate precision"},
    "field.coord_method": {"id": "Asal koordinat", "en": "How the point was obtained"},
    "field.footprint": {"id": "Batas kawasan", "en": "Footprint"},
    "field.boundary.legal_basis": {"id": "Dasar hukum batas", "en": "Boundary's legal basis"},
    "field.boundary.official_area": {"id": "Luas resmi (Luas_ha)", "en": "Official area (Luas_ha)"},
    "field.boundary.measured_area": {"id": "Luas terukur (geodesik)", "en": "Measured area (geodesic)"},
    "field.boundary.metadata_year": {"id": "Tahun metadata peta", "en": "Map metadata year"},
    "field.boundary.map_sources": {"id": "Sumber peta", "en": "Map sources"},
    "field.boundary.match": {"id": "Cara pencocokan", "en": "How it was matched"},
    "field.as_of": {"id": "Data per", "en": "As of"},
    "field.sources": {"id": "Sumber", "en": "Sources"},
    "field.notes": {"id": "Catatan", "en": "Notes"},
    "value.missing": {"id": "tidak dilaporkan", "en": "not reported"},
    "value.as_of": {"id": "per {date}", "en": "as of {date}"},
    "kind.KEK": {"id": "KEK", "en": "SEZ (KEK)"},
    "kind.KI": {"id": "Kawasan industri", "en": "Industrial estate"},
    "kind.KIHT": {"id": "Kawasan industri hasil tembakau", "en": "Tobacco industrial estate"},
    "status.operating": {"id": "Beroperasi", "en": "Operating"},
    "status.development": {"id": "Pembangunan", "en": "In development"},
    "status.candidate": {"id": "Usulan", "en": "Candidate"},
    "status.revoked": {"id": "Dicabut", "en": "Revoked"},
    "precision.official": {"id": "resmi (batas kek.go.id)", "en": "official (kek.go.id boundary)"},
    "precision.surveyed": {"id": "terukur", "en": "surveyed"},
    "precision.approximate": {"id": "perkiraan", "en": "approximate"},
    "precision.town-level": {"id": "tingkat kota", "en": "town-level"},
    "footprint.official": {"id": "Batas resmi (kek.go.id)", "en": "Official boundary (kek.go.id)"},
    "footprint.imported": {"id": "Batas impor", "en": "Imported boundary"},
    "footprint.indicative": {
        "id": "indikatif (lingkaran seluas luas resmi, bukan batas)",
        "en": "indicative (circle of the official area, not a boundary)",
    },
    "footprint.none": {"id": "tidak ada (luas tidak diketahui)", "en": "none (area unknown)"},
    "kaltim.rings": {
        "id": "Cincin jarak dari IKN (km, pisahkan dengan koma)",
        "en": "Rings around IKN (km, comma-separated)",
    },
    "kaltim.rings.invalid": {
        "id": "Jarak cincin tidak valid: {error}",
        "en": "Invalid ring distances: {error}",
    },
    "kaltim.table": {
        "id": "Jarak ke IKN, pelabuhan dan bandara",
        "en": "Distances to IKN, ports and airports",
    },
    "kaltim.pairs": {"id": "Jarak antarkawasan", "en": "Distances between estates"},
    "kaltim.col.zone": {"id": "Kawasan", "en": "Zone"},
    "kaltim.col.straight": {"id": "Garis lurus ke IKN (km)", "en": "Straight line to IKN (km)"},
    "kaltim.col.road": {"id": "Jalan ke IKN (km)", "en": "Road to IKN (km)"},
    "kaltim.col.ring": {"id": "Dalam cincin (km)", "en": "Within ring (km)"},
    "kaltim.col.port": {"id": "Pelabuhan terdekat (km)", "en": "Nearest port (km)"},
    "kaltim.col.airport": {"id": "Bandara terdekat (km)", "en": "Nearest airport (km)"},
    "kaltim.col.from": {"id": "Dari", "en": "From"},
    "kaltim.col.to": {"id": "Ke", "en": "To"},
    "kaltim.col.pair_straight": {"id": "Garis lurus (km)", "en": "Straight line (km)"},
    "kaltim.col.pair_road": {"id": "Jalan (km)", "en": "Road (km)"},
    "kaltim.outside": {"id": "di luar", "en": "outside"},
    "kaltim.no_road": {"id": "tidak terhubung", "en": "not connected"},
    "kaltim.estimated_note": {
        "id": "* rute memakai ruas yang panjangnya perkiraan. Jarak garis lurus geodesik (WGS84); "
        "jarak jalan = rute terpendek pada ruas jalan utama yang sudah dibuka.",
        "en": "* the route uses a link whose length is estimated. Straight-line distances are geodesic "
        "(WGS84); road distance = shortest route over open trunk-road links.",
    },
    "data.note": {
        "id": "Data per kawasan membawa sumber, tanggal, dan ketelitian koordinat. Batas indikatif bukan batas resmi.",
        "en": "Every zone carries its sources, as-of date and coordinate precision. Indicative footprints are not official boundaries.",
    },
    "year.label": {"id": "Tahun", "en": "Year"},
    "year.all": {"id": "Semua tahun", "en": "All years"},
    "year.play": {"id": "▶ Putar", "en": "▶ Play"},
    "year.pause": {"id": "⏸ Jeda", "en": "⏸ Pause"},
    "year.clear": {"id": "Tampilkan semua tahun", "en": "Show all years"},
    "year.filter": {"id": "Tahun: s.d. {year}", "en": "Year: up to {year}"},
    "year.kpi": {
        "id": "{n} kawasan tanpa tahun diketahui disembunyikan",
        "en": "{n} zones without a known year are hidden",
    },
    "year.note": {
        "id": "Kawasan tampil sejak tahun PP, keputusan atau izinnya; {n} kawasan tanpa tahun diketahui "
        "disembunyikan selama tahun dipilih. Fasilitas industri tidak bertahun dan tetap tampil. Investasi "
        "dan tenaga kerja adalah angka terakhir yang dilaporkan, bukan angka tahun itu; grafik nasional "
        "berhenti di tahun itu.",
        "en": "Zones appear from the year of their PP, decree or licence; {n} zones without a known year are "
        "hidden while a year is chosen. Industrial facilities have no year and stay on the map. Investment "
        "and workforce are the latest reported figures, not those of the year; the national chart stops at "
        "the year.",
    },
    "chart.national.upto": {"id": "s.d. {year}", "en": "up to {year}"},
    "chart.national.upto_total": {
        "id": "s.d. {year}: kumulatif {amount} ({period})",
        "en": "up to {year}: {amount} cumulative ({period})",
    },
    "chart.national.none": {
        "id": "Belum ada angka nasional s.d. {year}",
        "en": "No national figures up to {year}",
    },
    "present.toggle": {"id": "Mode presentasi", "en": "Presentation mode"},
    "present.controls": {"id": "Kontrol", "en": "Controls"},
    "present.position": {"id": "Tampilan {i} dari {n}", "en": "View {i} of {n}"},
    "screen.controls": {"id": "Filter & peta", "en": "Filters & map"},
    "screen.tools": {"id": "Alat", "en": "Tools"},
    "panel.detail": {"id": "Rincian", "en": "Detail"},
    "panel.national": {"id": "Grafik nasional", "en": "National chart"},
    "panel.kaltim": {"id": "Kaltim", "en": "Kaltim"},
    "panel.table": {"id": "Tabel", "en": "Table"},
    "panel.export": {"id": "Ekspor", "en": "Export"},
    "panel.saved": {"id": "Tersimpan", "en": "Saved"},
    "panel.import": {"id": "Impor", "en": "Import"},
    "panel.kaltim.hint": {
        "id": "Jarak cincin dan perbandingan lokasi ada di tampilan Kaltim.",
        "en": "Ring distances and the site comparison are in the Kaltim view.",
    },
    "saved.deleted": {"id": "Dihapus: {title}", "en": "Deleted: {title}"},
    "saved.undo": {"id": "Urungkan", "en": "Undo"},
    "saved.restored": {"id": "Dipulihkan: {title}", "en": "Restored: {title}"},
    "saved.by": {"id": "oleh {name}", "en": "by {name}"},
    "saved.office": {"id": "kantor", "en": "office"},
    "saved.badge_shared": {"id": "Dibagikan", "en": "Shared"},
    "saved.badge_personal": {"id": "Pribadi", "en": "Personal"},
    "saved.share": {"id": "Bagikan ke kantor", "en": "Share with the office"},
    "saved.unshare": {"id": "Jadikan pribadi", "en": "Make personal"},
    "saved.shared_now": {"id": "Dibagikan ke kantor: {title}", "en": "Shared with the office: {title}"},
    "saved.personal_now": {"id": "Kini pribadi: {title}", "en": "Now personal: {title}"},
    "saved.not_yours": {
        "id": "tampilan itu milik orang lain",
        "en": "that saved view belongs to someone else",
    },
    "compare.title": {"id": "Perbandingan calon lokasi", "en": "Candidate-site comparison"},
    "compare.sites": {"id": "Kawasan yang dibandingkan", "en": "Sites compared"},
    "compare.weights": {"id": "Bobot kriteria (0-10)", "en": "Criterion weights (0-10)"},
    "compare.rank": {"id": "Peringkat", "en": "Rank"},
    "compare.site": {"id": "Kawasan", "en": "Site"},
    "compare.score": {"id": "Skor", "en": "Score"},
    "compare.coverage": {"id": "Cakupan bobot", "en": "Weight coverage"},
    "compare.missing": {"id": "t.a.", "en": "n/a"},
    "compare.formula": {
        "id": "Skor = Σ bobotᵢ × nilaiᵢ / Σ bobotᵢ, atas kriteria yang dilaporkan kawasan itu. "
        "nilaiᵢ = (x − min)/(maks − min) bila makin besar makin baik, (maks − x)/(maks − min) bila makin kecil "
        "makin baik; 1 bila semua sama. Nilai kosong (t.a.) tidak dihitung nol: kriterianya keluar dari "
        "pembilang dan penyebut, dan 'cakupan bobot' menunjukkan porsi bobot yang mendasari skor.",
        "en": "Score = Σ weightᵢ × valueᵢ / Σ weightᵢ over the criteria the site reports. "
        "valueᵢ = (x − min)/(max − min) where more is better, (max − x)/(max − min) where less is better; "
        "1 when all are equal. A missing value (n/a) is not a zero: its criterion leaves both sums, and "
        "'weight coverage' shows the share of the weight the score rests on.",
    },
    "compare.sensitivity": {"id": "Kepekaan bobot", "en": "Weight sensitivity"},
    "compare.sensitivity.criterion": {"id": "Kriteria", "en": "Criterion"},
    "compare.sensitivity.weight": {"id": "Bobot kini", "en": "Current weight"},
    "compare.sensitivity.changes": {
        "id": "Peringkat berubah bila bobot ini menjadi",
        "en": "Ranking changes if this weight becomes",
    },
    "compare.sensitivity.leaders": {"id": "Peringkat satu baru", "en": "New leader"},
    "compare.sensitivity.none": {"id": "tidak berubah pada 0-10", "en": "no change within 0-10"},
    "compare.better.low": {"id": "makin kecil makin baik", "en": "less is better"},
    "compare.better.high": {"id": "makin besar makin baik", "en": "more is better"},
    "criterion.road_km_to_ikn": {"id": "Jarak jalan ke IKN (km)", "en": "Road km to IKN"},
    "criterion.straight_km_to_ikn": {"id": "Jarak garis lurus ke IKN (km)", "en": "Straight-line km to IKN"},
    "criterion.port_km": {"id": "Ke pelabuhan terdekat (km)", "en": "Km to nearest port"},
    "criterion.airport_km": {"id": "Ke bandara terdekat (km)", "en": "Km to nearest airport"},
    "criterion.area_ha": {"id": "Luas (ha)", "en": "Area (ha)"},
    "criterion.sector_count": {"id": "Jumlah sektor", "en": "Number of sectors"},
    "criterion.status_level": {
        "id": "Status (dicabut 0 - beroperasi 3)",
        "en": "Status (revoked 0 - operating 3)",
    },
    "criterion.investment_idr_trillion": {
        "id": "Realisasi investasi (Rp T)",
        "en": "Realized investment (IDR T)",
    },
    "export.title": {"id": "Ekspor tampilan ini", "en": "Export this view"},
    "export.printed": {"id": "Dicetak", "en": "Printed"},
    "export.zones": {"id": "Kawasan", "en": "Zones"},
    "export.target": {"id": "Gambar", "en": "Image of"},
    "export.target.map": {"id": "Peta", "en": "Map"},
    "export.target.investment": {"id": "Grafik investasi per kawasan", "en": "Investment by zone chart"},
    "export.target.national": {"id": "Grafik KEK nasional", "en": "National KEK chart"},
    "export.size": {"id": "Ukuran", "en": "Size"},
    "export.size.projector": {"id": "Proyektor 1920×1080", "en": "Projector 1920×1080"},
    "export.size.print": {"id": "Cetak A4 300 dpi", "en": "Print A4 300 dpi"},
    "export.png": {"id": "PNG", "en": "PNG"},
    "export.pdf": {"id": "Ringkasan PDF", "en": "PDF brief"},
    "export.csv": {"id": "CSV", "en": "CSV"},
    "export.xlsx": {"id": "Excel", "en": "Excel"},
    "export.geojson": {"id": "GeoJSON", "en": "GeoJSON"},
    "export.gpkg": {"id": "GeoPackage", "en": "GeoPackage"},
    "export.facilities": {"id": "CSV fasilitas", "en": "Facilities CSV"},
    "export.cancel": {"id": "Batalkan ekspor", "en": "Cancel export"},
    "export.working": {"id": "Menyiapkan {kind}… {s} dtk", "en": "Preparing {kind}… {s} s"},
    "export.done": {"id": "Selesai: {file}", "en": "Done: {file}"},
    "export.failed": {"id": "Ekspor gagal: {why}", "en": "Export failed: {why}"},
    "export.render_failed": {
        "id": "gambar tidak dapat dibuat di server; coba lagi, dan bila gagal lagi lihat log server",
        "en": "the server could not draw the image; try again, and if it fails again see the server log",
    },
    "export.bad_choice": {
        "id": "pilih gambar peta, investasi atau nasional dan ukuran proyektor atau cetak",
        "en": "choose an image of the map, investment or national chart and a projector or print size",
    },
    "facilities.toggle": {"id": "Tampilkan fasilitas industri", "en": "Show industrial facilities"},
    "facilities.legend": {"id": "Fasilitas industri", "en": "Industrial facilities"},
    "facilities.radius": {"id": "Radius fasilitas (km)", "en": "Facilities radius (km)"},
    "facilities.near.title": {"id": "Fasilitas dalam radius {km} km", "en": "Facilities within {km} km"},
    "facilities.near.total": {
        "id": "{n} fasilitas dalam {km} km dari {zone}",
        "en": "{n} facilities within {km} km of {zone}",
    },
    "facilities.near.sector": {
        "id": "{sector}: {total} secara nasional; {n} dalam {km} km dari {zone}",
        "en": "{sector}: {total} nationally; {n} within {km} km of {zone}",
    },
    "facilities.near.nearest": {"id": "Terdekat", "en": "Nearest"},
    "facilities.near.none": {
        "id": "Tidak ada fasilitas dalam {km} km dari {zone}.",
        "en": "No facility within {km} km of {zone}.",
    },
    "facilities.near.filtered": {
        "id": "Hanya sektor yang dipilih di filter.",
        "en": "Only the sectors chosen in the filter.",
    },
    "facilities.source": {
        "id": "Sumber: BIG RBI 2023, pelacak nikel CGSP, GEM (CC BY 4.0); lihat FACILITIES.md",
        "en": "Sources: BIG RBI 2023, CGSP nickel tracker, GEM (CC BY 4.0); see FACILITIES.md",
    },
    "field.kbli": {"id": "KBLI", "en": "KBLI"},
    "field.source": {"id": "Sumber", "en": "Source"},
    "saved.title": {"id": "Tampilan tersimpan", "en": "Saved views"},
    "saved.name": {"id": "Judul", "en": "Title"},
    "saved.note": {"id": "Catatan", "en": "Note"},
    "saved.save": {"id": "Simpan tampilan ini", "en": "Save this view"},
    "saved.saved": {"id": "Tersimpan: {title}", "en": "Saved: {title}"},
    "saved.open": {"id": "Buka", "en": "Open"},
    "saved.rename": {"id": "Ganti judul", "en": "Rename"},
    "saved.up": {"id": "Naik", "en": "Move up"},
    "saved.down": {"id": "Turun", "en": "Move down"},
    "saved.delete": {"id": "Hapus", "en": "Delete"},
    "saved.export": {"id": "Unduh semua (JSON)", "en": "Download all (JSON)"},
    "saved.import": {"id": "Impor berkas tampilan", "en": "Import a views file"},
    "saved.imported": {"id": "{n} tampilan diimpor", "en": "{n} views imported"},
    "saved.empty": {"id": "Belum ada tampilan tersimpan.", "en": "No saved views yet."},
    "saved.error": {"id": "Tidak tersimpan: {error}", "en": "Not saved: {error}"},
    "import.title": {"id": "Impor data sendiri", "en": "Import your own data"},
    "import.drop": {
        "id": "Tarik & lepas berkas di sini, atau klik untuk memilih (GeoJSON, GeoPackage, Shapefile .zip, KML, CSV lon/lat)",
        "en": "Drag and drop a file here, or click to choose (GeoJSON, GeoPackage, zipped Shapefile, KML, CSV lon/lat)",
    },
    "import.mode": {"id": "Gunakan sebagai", "en": "Use it as"},
    "import.mode.overlay": {"id": "Lapisan tambahan", "en": "Overlay layer"},
    "import.mode.footprints": {
        "id": "Batas kawasan (ganti batas resmi atau indikatif)",
        "en": "Zone boundaries (replace the official or indicative one)",
    },
    "import.confirm": {"id": "Terapkan impor", "en": "Apply import"},
    "import.cancel": {"id": "Batalkan pemeriksaan", "en": "Cancel the check"},
    "import.checked": {
        "id": "{file}: {n} fitur dibaca, {r} diperbaiki.",
        "en": "{file}: {n} features read, {r} repaired.",
    },
    "import.matches": {
        "id": "Cocok dengan kawasan berikut; centang yang akan diganti batasnya:",
        "en": "These zones match; tick the ones whose boundary should be replaced:",
    },
    "import.done": {
        "id": "Diimpor: {name}. Halaman dimuat ulang…",
        "en": "Imported: {name}. Reloading the page…",
    },
    "import.rejected": {"id": "Berkas ditolak:", "en": "File rejected:"},
    "import.layers": {"id": "Lapisan impor", "en": "Imported layers"},
    "import.remove": {"id": "Hapus", "en": "Remove"},
    "import.restore": {"id": "Pulihkan", "en": "Restore"},
    "import.removed": {"id": "dihapus", "en": "removed"},
    "import.none": {"id": "Belum ada lapisan impor.", "en": "No imported layers yet."},
    "import.expired": {
        "id": "Rencana impor kedaluwarsa; unggah ulang berkasnya.",
        "en": "The import plan expired; upload the file again.",
    },
    "import.doubtful": {
        "id": "Batas bertanda ⚠ tidak cocok dengan luas resmi atau lokasi kawasannya; batas itu hanya "
        "diimpor bila Anda mencentang pengecualian di bawah (dicatat bersama angkanya).",
        "en": "Boundaries marked ⚠ do not fit their zone's official area or place; they are imported only "
        "if you tick the override below (recorded with the numbers).",
    },
    "import.override": {
        "id": "Saya sudah memeriksa: impor juga batas bertanda ⚠",
        "en": "I have checked: import the boundaries marked ⚠ anyway",
    },
    "import.not_allowed": {
        "id": "Peran Anda ({role}) hanya dapat melihat dan mengekspor; impor memerlukan editor.",
        "en": "Your role ({role}) may look and export; importing needs an editor.",
    },
    "role.viewer": {"id": "pembaca", "en": "viewer"},
    "role.editor": {"id": "editor", "en": "editor"},
    "role.admin": {"id": "admin", "en": "admin"},
    "auth.required": {
        "id": "Silakan masuk dulu (sesi Anda berakhir atau belum masuk).",
        "en": "Please sign in first (your session ended or you have not signed in).",
    },
    "auth.forbidden": {
        "id": "Ditolak: peran Anda ({role}) tidak boleh mengubah data; minta editor atau admin.",
        "en": "Refused: your role ({role}) may not change data; ask an editor or an admin.",
    },
    "auth.cross_site": {
        "id": "Ditolak: permintaan ini tidak berasal dari halaman atlas ini.",
        "en": "Refused: this request did not come from this atlas's own page.",
    },
    "auth.signed_in": {"id": "Masuk sebagai {name} ({role})", "en": "Signed in as {name} ({role})"},
    "auth.sign_out": {"id": "Keluar", "en": "Sign out"},
    "api.no_file": {
        "id": "Kirim berkasnya sebagai bidang multipart 'file'.",
        "en": "Send the file as the multipart field 'file'.",
    },
    "api.bad_mode": {"id": "mode harus salah satu dari {modes}.", "en": "mode must be one of {modes}."},
    "login.title": {"id": "Masuk", "en": "Sign in"},
    "login.name": {"id": "Nama pengguna", "en": "User name"},
    "login.password": {"id": "Kata sandi", "en": "Password"},
    "login.submit": {"id": "Masuk", "en": "Sign in"},
    "login.wrong": {"id": "Nama atau kata sandi salah.", "en": "Wrong name or password."},
    "login.throttled": {
        "id": "Terlalu banyak percobaan gagal; coba lagi dalam {s} detik.",
        "en": "Too many failed attempts; try again in {s} seconds.",
    },
    "login.sso_failed": {
        "id": "Masuk lewat sistem kantor gagal; coba lagi.",
        "en": "Signing in through the office's system failed; try again.",
    },
    "login.no_role": {
        "id": "Akun Anda belum diberi peran di atlas ini; hubungi admin kantor.",
        "en": "Your account has no role in this atlas; ask your office's admin.",
    },
    "problem.row": {"id": "baris", "en": "row"},
    "problem.column": {"id": "kolom", "en": "column"},
    "problem.too_many_columns": {
        "id": "memiliki {n} kolom; batasnya {limit} (simpan hanya kolom yang diperlukan)",
        "en": "has {n} columns; the limit is {limit} (keep the columns the atlas needs)",
    },
    "problem.too_many_features": {
        "id": "memiliki {n} fitur; batasnya {limit} (pecah berkasnya)",
        "en": "has {n} features; the limit is {limit} (split the file)",
    },
    "problem.empty_coordinate": {
        "id": "kosong; setiap baris memerlukan bujur dan lintang",
        "en": "is empty; every row needs a longitude and a latitude",
    },
    "problem.not_a_number": {
        "id": "'{value}' bukan angka; tulis angka desimal saja (mis. 116,82 atau 116.82), tanpa '_' atau pemisah ribuan",
        "en": "'{value}' is not a number; write a decimal number only (e.g. 116.82), without '_' or thousands separators",
    },
    "problem.too_many_vertices": {
        "id": "memiliki {n} titik sudut; batasnya {limit} (sederhanakan batasnya)",
        "en": "has {n} vertices; the limit is {limit} (simplify the boundaries)",
    },
    "problem.too_slow": {
        "id": "butuh lebih dari {seconds} detik untuk dibaca, jadi dihentikan (sederhanakan atau pecah berkasnya)",
        "en": "took more than {seconds} s to read, so it was stopped (simplify or split the file)",
    },
    "problem.gpkg_view": {
        "id": "'{name}' adalah view SQL, bukan tabel; atlas hanya membaca tabel: simpan lapisan sebagai tabel "
        "(mis. QGIS: Export > Save Features As) lalu impor lagi",
        "en": "'{name}' is a SQL view, not a table; the atlas reads only tables: save the layer as a table "
        "(e.g. QGIS: Export > Save Features As) and import again",
    },
    "problem.gpkg_computed": {
        "id": "tabel '{name}' memiliki kolom terhitung; simpan lapisan sebagai tabel biasa lalu impor lagi",
        "en": "table '{name}' has computed columns; save the layer as a plain table and import again",
    },
    "problem.crs_link": {
        "id": "menyebut CRS-nya lewat tautan ke alamat web, yang tidak pernah diambil atlas; simpan dengan "
        "EPSG:4326",
        "en": "names its CRS by a link to a web address, which the atlas never fetches; save it with EPSG:4326",
    },
    "problem.kml_network_link": {
        "id": "memiliki NetworkLink (isi yang diambil dari web), yang tidak diikuti atlas; simpan tempat-tempat "
        "itu di dalam berkasnya sendiri",
        "en": "has a NetworkLink (content fetched from the web), which the atlas never follows; save the "
        "linked places into the file itself",
    },
    "problem.several_layers": {
        "id": "berisi {n} lapisan ({names}); unggah satu lapisan per berkas",
        "en": "holds {n} layers ({names}); upload one layer per file",
    },
    "problem.duplicate_column": {
        "id": "memiliki kolom '{name}' dua kali; sisakan satu agar tidak ada nilai yang diam-diam menang",
        "en": "has the column '{name}' twice; keep one, so that no value silently wins",
    },
    "problem.nul": {
        "id": "berisi byte NUL, yang tidak pernah ada dalam teks; ekspor ulang sebagai CSV",
        "en": "holds NUL bytes, which text never has; export it again as CSV",
    },
    "problem.csv_cp1252": {
        "id": "bukan UTF-8; dibaca sebagai Windows-1252 ('CSV' Excel di Windows berbahasa Indonesia); bila "
        "nama tampak salah, simpan sebagai 'CSV UTF-8' lalu impor lagi",
        "en": "is not UTF-8; it was read as Windows-1252 (Excel's 'CSV' on Indonesian Windows); if names "
        "look wrong, save it as 'CSV UTF-8' and import again",
    },
    "problem.csv_decimal_comma": {
        "id": "memakai ';' sebagai pemisah kolom dan ',' sebagai tanda desimal (Excel berbahasa Indonesia); "
        "dibaca demikian",
        "en": "uses ';' between columns and ',' as the decimal mark (Excel in Indonesian); read so",
    },
    "problem.implausible": {
        "id": "tidak tampak seperti batas {zone}: {doubt}; tidak ada yang diimpor (periksa berkasnya, atau "
        "centang pengecualian untuk tetap mengimpor)",
        "en": "does not look like {zone}'s footprint: {doubt}; nothing imported (check the file, or tick "
        "the override to import it anyway)",
    },
    "problem.store_unreadable": {
        "id": "tidak dapat dibaca; atlas berjalan tanpa lapisan impor sampai berkas ini dipulihkan dari "
        "cadangan atau dipindahkan",
        "en": "cannot be read; the atlas runs without imported layers until the file is restored from a "
        "backup or moved away",
    },
    "table.title": {"id": "Tabel kawasan (sesuai filter)", "en": "Zone table (filtered)"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` with {placeholders} filled; falls back to Indonesian."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def _group(number_text: str, lang: str) -> str:
    """Swap separators: Python writes 1,234.5; Indonesian readers expect 1.234,5."""
    if lang == "id":
        return number_text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return number_text


def format_number(value: float | None, lang: str, decimals: int = 0) -> str:
    """126506 -> '126.506' (id) or '126,506' (en); None or NaN -> an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _group(f"{value:,.{decimals}f}", lang)


def format_idr_trillion(value: float | None, lang: str, decimals: int = 2) -> str:
    """2.42 (IDR trillion) -> 'Rp 2,42 T' (id) or 'IDR 2.42 T' (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    prefix = "Rp" if lang == "id" else "IDR"
    return f"{prefix} {format_number(value, lang, decimals)} T"


def format_hectares(value: float | None, lang: str) -> str:
    """Area with its unit, one decimal below 100 ha, whole hectares above."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{format_number(value, lang, 1 if value < 100 else 0)} ha"


def format_km(value: float | None, lang: str) -> str:
    """Distances in the tables, to 0.1 km (the analysis rounds to that)."""
    return format_number(value, lang, 1)
