//! The faults of the OParl reference implementation (the typed [`Fault`])
//! and their catalogues: [`FAULTS`] for OParl 1.1 and [`FAULTS_V10`] for
//! OParl 1.0, which leaves out the faults of rules only 1.1 has (they come
//! last in the declaration). Each breaks exactly one requirement of the
//! bundled `oparl` suites.

use crate::faults::{FaultInfo, fault_catalogue};

fault_catalogue! {
    SystemWrongVersion = "system-wrong-version", "OPARL-VER-001",
        "System.oparlVersion names the other OParl version.";
    SystemNotAtEntry = "system-not-at-entry", "OPARL-SYS-001",
        "The entry URL answers 404: the System object is not where clients start.";
    TypeUrlWrongVersion = "type-url-wrong-version", "OPARL-VER-002",
        "Paper objects carry the type URL of the other OParl version.";
    FileWithoutAccessUrl = "file-without-access-url", "OPARL-OBJ-001",
        "File objects (embedded, at their id and in the file list) lack the mandatory accessUrl.";
    MeetingStartWithoutOffset = "meeting-start-without-offset", "OPARL-OBJ-003",
        "Meeting.start is a date-time without offset (2024-03-05T18:00:00).";
    AgsSevenDigits = "ags-seven-digits", "OPARL-OBJ-004",
        "Body.ags has 7 digits instead of 8.";
    PersonWithoutModified = "person-without-modified", "OPARL-OBJ-005",
        "Person objects lack modified.";
    RelativeAccessUrl = "relative-access-url", "OPARL-OBJ-006",
        "File.accessUrl is a relative URL (/file/12/access).";
    Object404AtId = "object-404-at-id", "OPARL-OBJ-007",
        "A few Papers that are in their list answer 404 at their id.";
    StaleObjectAtId = "stale-object-at-id", "OPARL-OBJ-008",
        "Organizations at their id carry another name than in their list.";
    EmptyStringMembers = "empty-string-members", "OPARL-SHOULD-001",
        "Optional members without a value (Person.affix, Paper.reference) are sent as \"\" instead of left out.";
    HttpUrls = "http-urls", "OPARL-SHOULD-002",
        "System.otherOparlVersions names a System by an http:// URL.";
    ListWithoutPagination = "list-without-pagination", "OPARL-LIST-001",
        "List pages lack pagination.";
    PageWithoutNext = "page-without-next", "OPARL-LIST-002",
        "Page 2 of the person lists has no links.next although more pages follow.";
    UnstableOrder = "unstable-order", "OPARL-LIST-003",
        "A page of a meeting list read again lists its meetings in the reverse order (every other read of the same page).";
    DuplicateAcrossPages = "duplicate-across-pages", "OPARL-LIST-004",
        "The last Person of each person list page comes again first on the next page.";
    ObjectMissingFromList = "object-missing-from-list", "OPARL-LIST-005",
        "One Organization that memberships reference is missing from its list (it is still served at its id).";
    ModifiedUntilIgnored = "modified-until-ignored", "OPARL-FILTER-001",
        "The filter modified_until is ignored.";
    FilterDroppedFromLinks = "filter-dropped-from-links", "OPARL-FILTER-002" also ["OPARL-11-002"],
        "links.next leaves out the filters of the request (so a client paging a modified_since list gets plain pages after the first, without the deleted objects 2-05 promises it).";
    DeletedObjectGone = "deleted-object-gone", "OPARL-DEL-001",
        "Deleted objects answer 404 at their id instead of 200 with deleted: true.";
    DeletedFileStillServed = "deleted-file-still-served", "OPARL-FILE-001",
        "The accessUrl of a deleted File still answers 200 with the content instead of 410.";
    NoCorsHeader = "no-cors-header", "OPARL-CORS-001",
        "JSON responses lack Access-Control-Allow-Origin: *.";
    JsonBom = "json-bom", "OPARL-JSON-001",
        "JSON bodies start with a UTF-8 byte order mark.";
    EmbeddedWithoutCreated = "embedded-without-created", "OPARL-11-001",
        "AgendaItems (embedded in Meeting, in their list and at their id) lack created.";
    DeletedMissingWithModifiedSince = "deleted-missing-with-modified-since", "OPARL-11-002",
        "Lists filtered with modified_since leave out the deleted objects.";
    DeletedInPlainList = "deleted-in-plain-list", "OPARL-11-003",
        "Lists without modified_since include deleted objects.";
    AgendaItemWithoutOrder = "agenda-item-without-order", "OPARL-11-005",
        "AgendaItems (embedded in Meeting, in their list and at their id) lack order, which 1.1 made mandatory.";
    ErrorNotOparl = "error-not-oparl", "OPARL-11-004",
        "404 responses are text/plain instead of an OParl Error object.";
}

/// How many faults at the end of [`FAULTS`] exist only in OParl 1.1.
const ONLY_V11: usize = 5;

/// The OParl 1.0 catalogue: every fault but those of 1.1-only rules.
pub const FAULTS_V10: &[FaultInfo] = FAULTS.split_at(FAULTS.len() - ONLY_V11).0;
