-- Indexes for the busy pages at ten times the roll (issue 12). Each serves a page's filter and its
-- sort together, so that the page is read in order and stops at its LIMIT instead of reading every
-- matching row and sorting them: the cost of a page then grows with the page, not with the roll.
-- `jidi plans` prints the plans of these statements; a test keeps them indexed on both backends.
-- (In SQLite every index ends with the rowid, the base's id, which is each sort's tie-breaker.)

-- A run's results in national rank order: the whole run, one category, one province.
CREATE INDEX evaluation_results_rank ON evaluation_results(run_id, national_rank, base_id);
CREATE INDEX evaluation_results_category_rank ON evaluation_results(run_id, category_code, national_rank, base_id);
CREATE INDEX evaluation_results_province_rank ON evaluation_results(run_id, province_code, national_rank, base_id);

-- The roll filtered by province, category, series or region, in name order.
CREATE INDEX bases_province_name ON bases(province_code, name);
CREATE INDEX bases_category_name ON bases(category_code, name);
CREATE INDEX bases_series_name ON bases(series, name);
CREATE INDEX bases_region_name ON bases(region, name);

-- The roll in batch or designation order (newest first; SQLite puts NULLs last when descending).
CREATE INDEX bases_batch ON bases(batch);
CREATE INDEX bases_designated ON bases(designated_year);

-- The national roll as the public sees it (`tier IN ('national', 'excellence')`, a third of the
-- bases) in each order the list offers: partial indexes read in page order and stop at LIMIT,
-- where the tier index would fetch every national base and sort them for each page.
CREATE INDEX bases_national_name ON bases(name) WHERE tier IN ('national', 'excellence');
CREATE INDEX bases_national_batch ON bases(batch) WHERE tier IN ('national', 'excellence');
CREATE INDEX bases_national_designated ON bases(designated_year) WHERE tier IN ('national', 'excellence');
CREATE INDEX bases_national_province ON bases(province_code) WHERE tier IN ('national', 'excellence');
CREATE INDEX bases_national_category ON bases(category_code, subcategory_code) WHERE tier IN ('national', 'excellence');

-- Proposals: newest year first, pending before decided, as the list shows them.
CREATE INDEX proposals_order ON proposals(year DESC, (CASE status WHEN 'pending' THEN 0 ELSE 1 END), id);
