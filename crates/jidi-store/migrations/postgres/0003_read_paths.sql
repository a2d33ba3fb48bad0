-- Read paths of the pages that are asked most.
--
-- The bulky per-result JSON (dimension scores, contributions, next-star levers) moves to its own
-- table, read only for a scorecard. Lists of results, star histories and the roll's latest stars
-- then read narrow rows; the index on (base_id, run_id, stars) answers star histories by itself.

CREATE TABLE evaluation_result_details (
    run_id           BIGINT NOT NULL REFERENCES evaluation_runs(id),
    base_id          BIGINT NOT NULL REFERENCES bases(id),
    dimension_scores TEXT NOT NULL DEFAULT '[]',
    contributions    TEXT NOT NULL DEFAULT '[]',
    details          TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, base_id)
);
INSERT INTO evaluation_result_details (run_id, base_id, dimension_scores, contributions, details)
    SELECT run_id, base_id, dimension_scores, contributions, details FROM evaluation_results;
ALTER TABLE evaluation_results DROP COLUMN dimension_scores;
ALTER TABLE evaluation_results DROP COLUMN contributions;
ALTER TABLE evaluation_results DROP COLUMN details;
DROP INDEX evaluation_results_base;
CREATE INDEX evaluation_results_base ON evaluation_results(base_id, run_id, stars);

-- Each base carries its latest published rating, written when an evaluation is published (a rare,
-- append-only event), so that the roll lists it without touching the results.
ALTER TABLE bases ADD COLUMN latest_stars INTEGER;
ALTER TABLE bases ADD COLUMN latest_stars_year INTEGER;
UPDATE bases SET latest_stars_year = (
    SELECT MAX(e.year) FROM evaluation_results r JOIN evaluation_runs e ON e.id = r.run_id
    WHERE r.base_id = bases.id AND e.status = 'published' AND r.stars IS NOT NULL);
UPDATE bases SET latest_stars = (
    SELECT r.stars FROM evaluation_results r JOIN evaluation_runs e ON e.id = r.run_id
    WHERE r.base_id = bases.id AND e.status = 'published' AND e.year = bases.latest_stars_year)
    WHERE latest_stars_year IS NOT NULL;
CREATE INDEX bases_name ON bases(name, id);
