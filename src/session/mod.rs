//! The applicant's path as a plain state machine: no Slint, no I/O, no clock of its own.
//!
//! Home → identify → consent to shared data (and, where the center checks faces, to a face comparison, then the
//! comparison) → choose a one-thing → situation questions → joint items → for a company, legal representative or
//! agent → one-time notice → one form → capture materials → sign commitments → delivery → check answers → done. Back works on every step; 修改 on the
//! check-answers page jumps to a step and, once it is complete again, returns to check answers. Everything
//! personal lives here and is wiped by [`Session::end`].

mod form;
mod idle;
mod materials;
pub mod platform;
mod selection;
pub mod validate;

#[cfg(test)]
mod platform_tests;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use drivers::Identity;
use zeroize::Zeroize;

use crate::catalog::{Catalog, FieldDef, OneThing};

pub use form::{check as check_form, merge as merge_fields, FieldError, FormValues};
pub use idle::{IdleClock, IdlePolicy, IdleState};
pub use materials::{merge as merge_materials, MergedMaterial, Treatment};
pub use platform::{FaceCheck, HeldLicence, Lookup, PlatformState, Role, ShownLicence};
pub use selection::{ChosenItem, RowChoice, Selection, SelectionError};

/// One screen of the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Home,
    Identify,
    /// Consent to fetching e-licences and shared data (PIPL art. 14).
    Consent,
    /// A separate consent to the face comparison (biometric data, PIPL art. 29).
    FaceConsent,
    /// The face comparison (实人核验).
    FaceCheck,
    Choose,
    /// The situation question with this index in the one-thing.
    Question(usize),
    Items,
    /// 法人 one-things: is the card holder the legal representative or an agent (经办人)?
    Role,
    Notice,
    Form,
    Capture,
    Commitments,
    Delivery,
    CheckAnswers,
    Done,
    /// A guide read without identifying (办事指南).
    Guide,
    /// 进度查询/领取: an earlier application looked up (the lookup itself is the UI's, through the back office).
    Status,
}

/// Why the applicant is here: to apply, or only to read guides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Apply,
    Guide,
    Status,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMethod {
    Window,
    Post,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMode {
    Together,
    Separately,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub mode: DeliveryMode,
    /// The postal address, for [`DeliveryMethod::Post`].
    pub address: Option<String>,
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.address.zeroize();
    }
}

/// Bytes of a captured page or a signature: personal data, zeroed when dropped.
#[derive(Clone, PartialEq, Eq, zeroize::ZeroizeOnDrop)]
pub struct Blob(pub Vec<u8>);

/// Why the session did not move on. The Display is technical English (materials and commitments are named by
/// their catalog names, never by anything the applicant typed); the app words it for the applicant by
/// [`SessionError::kind`] and the names it carries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("this step cannot be taken now")]
    WrongStep,
    #[error("no such one-thing")]
    UnknownOneThing,
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error("{} form field(s) to correct", .0.len())]
    Form(Vec<FieldError>),
    #[error("materials not captured: {}", .0.join(", "))]
    MissingMaterials(Vec<String>),
    #[error("commitments not signed: {}", .0.join(", "))]
    Unsigned(Vec<String>),
    #[error("no delivery address")]
    NoAddress,
    #[error("this material cannot be brought later")]
    NotDeferrable,
    /// The center requires a face match, and there can be none (refused, or the service is down).
    #[error("the center requires a face match and none can be had")]
    FaceCheckRequired,
    /// The field was filled from shared data and is not typed.
    #[error("the field holds shared data")]
    SharedField,
}

/// What stopped the session, without the names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionErrorKind {
    WrongStep,
    UnknownOneThing,
    Selection(SelectionError),
    Form,
    MissingMaterials,
    Unsigned,
    NoAddress,
    NotDeferrable,
    FaceCheckRequired,
    SharedField,
}

impl SessionError {
    pub fn kind(&self) -> SessionErrorKind {
        match self {
            SessionError::WrongStep => SessionErrorKind::WrongStep,
            SessionError::UnknownOneThing => SessionErrorKind::UnknownOneThing,
            SessionError::Selection(e) => SessionErrorKind::Selection(*e),
            SessionError::Form(_) => SessionErrorKind::Form,
            SessionError::MissingMaterials(_) => SessionErrorKind::MissingMaterials,
            SessionError::Unsigned(_) => SessionErrorKind::Unsigned,
            SessionError::NoAddress => SessionErrorKind::NoAddress,
            SessionError::NotDeferrable => SessionErrorKind::NotDeferrable,
            SessionError::FaceCheckRequired => SessionErrorKind::FaceCheckRequired,
            SessionError::SharedField => SessionErrorKind::SharedField,
        }
    }
}

/// One applicant's visit. Cloned only to build its package off the UI thread; a clone's personal data is zeroed
/// when dropped, as the original's is.
#[derive(Clone)]
pub struct Session {
    catalog: Arc<Catalog>,
    flow: Flow,
    step: Step,
    history: Vec<Step>,
    returning_to_check: bool,
    identity: Option<Identity>,
    one_thing: Option<u32>,
    selection: Selection,
    form: FormValues,
    form_errors: Vec<FieldError>,
    pages: BTreeMap<String, Vec<Blob>>,
    deferred: BTreeSet<String>,
    /// Materials handed in on paper at the window because the camera could not be used.
    at_window: BTreeSet<String>,
    signatures: BTreeMap<String, Blob>,
    delivery: Option<Delivery>,
    /// What the platform confirmed for this applicant, and what they agreed to.
    platform: PlatformState,
    /// Form fields filled from shared data: shown, never typed.
    shared_fields: BTreeSet<String>,
    face_check: FaceCheck,
    idle: IdleClock,
    idle_policy: IdlePolicy,
}

impl Session {
    pub fn new(catalog: Arc<Catalog>, idle_policy: IdlePolicy, now: Instant) -> Session {
        Session {
            catalog,
            flow: Flow::Apply,
            step: Step::Home,
            history: Vec::new(),
            returning_to_check: false,
            identity: None,
            one_thing: None,
            selection: Selection::default(),
            form: FormValues::default(),
            form_errors: Vec::new(),
            pages: BTreeMap::new(),
            deferred: BTreeSet::new(),
            at_window: BTreeSet::new(),
            signatures: BTreeMap::new(),
            delivery: None,
            platform: PlatformState::default(),
            shared_fields: BTreeSet::new(),
            face_check: FaceCheck::Off,
            idle: IdleClock::new(now),
            idle_policy,
        }
    }

    /// A session whose applicants are checked as `face_check` says.
    pub fn with_face_check(mut self, face_check: FaceCheck) -> Session {
        self.face_check = face_check;
        self
    }

    // ----- what the screens read -----

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn flow(&self) -> Flow {
        self.flow
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn identity(&self) -> Option<&Identity> {
        self.identity.as_ref()
    }

    pub fn one_thing(&self) -> Option<&OneThing> {
        self.one_thing.and_then(|no| self.catalog.one_thing(no))
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The joint items the application covers now (empty before a one-thing is chosen).
    pub fn chosen(&self) -> Vec<ChosenItem<'_>> {
        self.one_thing()
            .and_then(|thing| self.selection.chosen(&self.catalog, thing).ok())
            .unwrap_or_default()
    }

    /// The one-time notice: the merged materials of the chosen items, without those the situation answers rule
    /// out; for an applicant (not a guide's reader), what the platform proves is exempt and nothing else, and an
    /// agent's power of attorney is added.
    pub fn materials(&self) -> Vec<MergedMaterial> {
        let mut merged = self.applicable_materials();
        if self.flow == Flow::Apply {
            if self.platform.role == Some(Role::Agent) {
                merged.extend(self.power_of_attorney());
            }
            self.platform.apply(&self.catalog, &mut merged);
        }
        merged
    }

    /// The chosen items' materials merged, without those the situation answers rule out (as the catalog has
    /// them: before the platform's answer and the applicant's role).
    fn applicable_materials(&self) -> Vec<MergedMaterial> {
        let mut merged = merge_materials(&self.catalog, &self.chosen());
        if let Some(thing) = self.one_thing() {
            let answers = self.selection.answers();
            merged.retain(|m| thing.material_applies(&m.key, answers));
        }
        merged
    }

    /// The power of attorney an agent hands in, as one line of the notice.
    fn power_of_attorney(&self) -> Option<MergedMaterial> {
        let material = self
            .catalog
            .materials
            .get(crate::catalog::POWER_OF_ATTORNEY)?;
        let mut line = MergedMaterial::of(
            material,
            Treatment::capture(material),
            "经办人代为办理".to_string(),
        );
        line.note = Some("由法定代表人签字并加盖单位公章".into());
        Some(line)
    }

    /// What the platform confirmed for this applicant, and what they agreed to.
    pub fn platform(&self) -> &PlatformState {
        &self.platform
    }

    /// How applicants are checked to be the card's holder.
    pub fn face_check(&self) -> FaceCheck {
        self.face_check
    }

    /// Another center's policy, for tests of what each one does.
    #[cfg(test)]
    pub(crate) fn set_face_check(&mut self, face_check: FaceCheck) {
        self.face_check = face_check;
    }

    /// The form fields filled from shared data (shown as coming from the platform, not typed).
    pub fn shared_fields(&self) -> &BTreeSet<String> {
        &self.shared_fields
    }

    /// Who applies: themself for 个人 one-things; for 法人 ones, once known, the legal representative or an agent.
    pub fn role(&self) -> Option<Role> {
        match self.one_thing()?.target {
            crate::catalog::Target::Person => Some(Role::Myself),
            crate::catalog::Target::Organisation => self.platform.role,
        }
    }

    /// The form's fields: the chosen items' merged, and for an agent the legal representative's name (whom
    /// they act for) where the items do not ask for it already.
    pub fn fields(&self) -> Vec<&FieldDef> {
        let mut fields = merge_fields(&self.catalog, &self.chosen());
        if self.role() == Some(Role::Agent)
            && !fields
                .iter()
                .any(|f| f.key == crate::catalog::LEGAL_REPRESENTATIVE)
        {
            fields.extend(
                self.catalog
                    .fields
                    .get(crate::catalog::LEGAL_REPRESENTATIVE),
            );
        }
        fields
    }

    pub fn form(&self) -> &FormValues {
        &self.form
    }

    pub fn form_errors(&self) -> &[FieldError] {
        &self.form_errors
    }

    pub fn pages(&self, material: &str) -> &[Blob] {
        self.pages.get(material).map_or(&[], Vec::as_slice)
    }

    /// Whether the material will be handed in on paper at the window (the camera could not be used).
    pub fn is_at_window(&self, material: &str) -> bool {
        self.at_window.contains(material)
    }

    pub fn is_deferred(&self, material: &str) -> bool {
        self.deferred.contains(material)
    }

    /// The chosen items whose commitment letter must be signed.
    pub fn commitment_items(&self) -> Vec<String> {
        self.chosen()
            .iter()
            .filter(|c| c.item.commitment)
            .map(|c| c.item.name.clone())
            .collect()
    }

    pub fn signature(&self, item: &str) -> Option<&Blob> {
        self.signatures.get(item)
    }

    pub fn delivery(&self) -> Option<&Delivery> {
        self.delivery.as_ref()
    }

    pub fn can_go_back(&self) -> bool {
        !self.history.is_empty() && self.step != Step::Done
    }

    // ----- moving along the path -----

    /// 我要办事.
    pub fn start_apply(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Home)?;
        self.flow = Flow::Apply;
        self.go(Step::Identify);
        Ok(())
    }

    /// 办事指南: browse without identifying.
    pub fn start_guide(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Home)?;
        self.flow = Flow::Guide;
        self.go(Step::Choose);
        Ok(())
    }

    /// 进度查询/领取: look up an earlier application. Timed like any other step, since what it shows is personal.
    pub fn start_status(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Home)?;
        self.flow = Flow::Status;
        self.go(Step::Status);
        Ok(())
    }

    /// The card was read: next, the consent to fetching what the government holds.
    pub fn identified(&mut self, identity: Identity) -> Result<(), SessionError> {
        self.expect(Step::Identify)?;
        self.identity = Some(identity);
        self.go(Step::Consent);
        Ok(())
    }

    /// 同意 or 不同意 on the consent screen, whose text hashes to `text_sha256`. Refusing is a real choice: the
    /// applicant goes on and hands in the papers.
    pub fn answer_consent(&mut self, given: bool, text_sha256: &str) -> Result<(), SessionError> {
        self.expect(Step::Consent)?;
        // Answered again (after going back): nothing the platform said before stays, nor what followed from it.
        self.forget_platform();
        self.platform.consent = Some(platform::Consent {
            given,
            text_sha256: text_sha256.to_string(),
        });
        let next = match self.face_check {
            FaceCheck::Off => Step::Choose,
            FaceCheck::Required | FaceCheck::WhenAvailable => Step::FaceConsent,
        };
        self.go(next);
        Ok(())
    }

    /// The answer on the face-comparison consent screen. Without it, a center that requires the check sends the
    /// applicant to the window ([`SessionError::FaceCheckRequired`]); otherwise they go on unchecked.
    pub fn answer_face_consent(&mut self, agreed: bool) -> Result<(), SessionError> {
        self.expect(Step::FaceConsent)?;
        // A check done before going back counts no more once the consent to it is withdrawn.
        self.platform.identity_check = None;
        if agreed {
            self.go(Step::FaceCheck);
            return Ok(());
        }
        if self.face_check == FaceCheck::Required {
            return Err(SessionError::FaceCheckRequired);
        }
        self.go(Step::Choose);
        Ok(())
    }

    /// The platform found the person at the kiosk to be the card's holder.
    pub fn face_matched(&mut self, verify_id: &str) -> Result<(), SessionError> {
        self.expect(Step::FaceCheck)?;
        self.platform.identity_check = Some(platform::IdentityCheck {
            verify_id: verify_id.to_string(),
        });
        // 返回 from the catalog goes to the consent, not to a camera that has done its work.
        self.step = Step::Choose;
        Ok(())
    }

    /// The comparison cannot be done now (the service is down, no face camera): a center that requires it sends
    /// the applicant to the window; otherwise they go on, and window staff check the person at pickup.
    pub fn face_check_unavailable(&mut self) -> Result<(), SessionError> {
        self.expect(Step::FaceCheck)?;
        if self.face_check == FaceCheck::Required {
            return Err(SessionError::FaceCheckRequired);
        }
        self.platform.identity_check = None;
        // 返回 from the catalog goes to the consent, not to a camera that has done its work.
        self.step = Step::Choose;
        Ok(())
    }

    /// What the platform answered for the chosen items (or that it could not be reached).
    pub fn platform_answered(&mut self, lookup: Lookup) {
        if self.platform.consented() {
            self.platform.lookup = lookup;
        }
    }

    /// The licence types and shared fields to ask the platform for, for the items chosen now.
    pub fn platform_wanted(&self) -> (Vec<String>, Vec<String>) {
        PlatformState::wanted(&self.catalog, &self.applicable_materials(), &self.fields())
    }

    /// Whether the card's holder may say they are the legal representative: not when the platform has someone
    /// else on record (a new one registers the change at the window).
    pub fn may_be_legal_representative(&self) -> bool {
        let holder = self.identity.as_ref().map(|i| i.name.as_str());
        self.platform
            .legal_representative()
            .is_none_or(|rep| Some(rep) == holder)
    }

    /// 法定代表人 or 经办人 on the role screen.
    pub fn set_role(&mut self, role: Role) -> Result<(), SessionError> {
        self.expect(Step::Role)?;
        if role == Role::Myself
            || (role == Role::LegalRepresentative && !self.may_be_legal_representative())
        {
            return Err(SessionError::WrongStep);
        }
        if self.platform.role != Some(role) {
            // Who signs changed: the letters are signed again, by the one who applies now.
            self.signatures.clear();
        }
        self.platform.role = Some(role);
        // The agent's power of attorney joins the materials; their signatures are the agent's.
        self.advance(Step::Notice);
        Ok(())
    }

    /// The platform confirmed a licence the applicant showed from their phone for `material` (亮证): it is done
    /// without a page.
    pub fn licence_shown(
        &mut self,
        material: &str,
        licence: ShownLicence,
    ) -> Result<(), SessionError> {
        self.expect(Step::Capture)?;
        let provable = self
            .catalog
            .materials
            .get(material)
            .is_some_and(|m| m.licence_type.as_deref() == Some(licence.licence_type.as_str()));
        if !provable || !self.materials().iter().any(|m| m.key == material) {
            return Err(SessionError::WrongStep);
        }
        self.pages.remove(material);
        self.deferred.remove(material);
        self.at_window.remove(material);
        self.platform.shown.insert(material.to_string(), licence);
        Ok(())
    }

    /// A one-thing was picked from the catalog. Picking another one than before starts its choices afresh.
    pub fn choose(&mut self, no: u32) -> Result<(), SessionError> {
        self.expect(Step::Choose)?;
        if self.catalog.one_thing(no).is_none() {
            return Err(SessionError::UnknownOneThing);
        }
        if self.one_thing != Some(no) {
            self.clear_application();
            self.one_thing = Some(no);
        }
        let next = match self.flow {
            Flow::Guide => {
                // A guide shows the first situation of each question until the reader picks another.
                let (catalog, index) = self.chosen_thing()?;
                let thing = &catalog.one_things[index];
                for question in &thing.questions {
                    if self.selection.answers().get(&question.key).is_none() {
                        self.selection
                            .answer(thing, &question.key, &question.options[0])?;
                    }
                }
                Step::Guide
            }
            Flow::Apply => self.first_situation_step(),
            Flow::Status => return Err(SessionError::WrongStep),
        };
        self.go(next);
        Ok(())
    }

    /// An answer to the situation question on screen.
    pub fn answer(&mut self, option: &str) -> Result<(), SessionError> {
        let Step::Question(index) = self.step else {
            return Err(SessionError::WrongStep);
        };
        let (catalog, thing_index) = self.chosen_thing()?;
        let thing = &catalog.one_things[thing_index];
        let key = &thing
            .questions
            .get(index)
            .ok_or(SessionError::WrongStep)?
            .key;
        self.selection.answer(thing, key, option)?;
        let next = if index + 1 < thing.questions.len() {
            Step::Question(index + 1)
        } else {
            Step::Items
        };
        // A changed answer can swap joint items: show the checklist again before returning to check answers.
        if self.returning_to_check && next == Step::Items {
            self.go(Step::Items);
        } else {
            self.advance(next);
        }
        Ok(())
    }

    /// A situation picked on a guide: the guide's items and materials follow it.
    pub fn answer_in_guide(&mut self, question: usize, option: usize) -> Result<(), SessionError> {
        self.expect(Step::Guide)?;
        let (catalog, index) = self.chosen_thing()?;
        let thing = &catalog.one_things[index];
        let q = thing
            .questions
            .get(question)
            .ok_or(SelectionError::UnknownQuestion)?;
        let o = q.options.get(option).ok_or(SelectionError::UnknownOption)?;
        self.selection.answer(thing, &q.key, o)?;
        Ok(())
    }

    /// Ticks or unticks a joint item on the checklist.
    pub fn set_item_ticked(&mut self, row: usize, ticked: bool) -> Result<(), SessionError> {
        self.expect(Step::Items)?;
        let (catalog, index) = self.chosen_thing()?;
        let thing = &catalog.one_things[index];
        self.selection.set_ticked(thing, row, ticked)?;
        Ok(())
    }

    pub fn confirm_items(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Items)?;
        let (catalog, index) = self.chosen_thing()?;
        let thing = &catalog.one_things[index];
        self.selection.chosen(&catalog, thing)?;
        // The card holder is the company's legal representative when the platform says so; else they are asked.
        if thing.target == crate::catalog::Target::Organisation && self.platform.role.is_none() {
            let holder = self.identity.as_ref().map(|i| i.name.as_str());
            if holder.is_some() && self.platform.legal_representative() == holder {
                self.platform.role = Some(Role::LegalRepresentative);
            }
        }
        let next = if self.role().is_none() {
            Step::Role
        } else {
            Step::Notice
        };
        self.advance(next);
        Ok(())
    }

    /// The applicant has read the one-time notice; the form opens pre-filled from the card.
    pub fn confirm_notice(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Notice)?;
        let catalog = Arc::clone(&self.catalog);
        let keys: Vec<String> = self.fields().iter().map(|f| f.key.clone()).collect();
        let fields: Vec<&FieldDef> = keys.iter().filter_map(|k| catalog.fields.get(k)).collect();
        if let Some(identity) = &self.identity {
            self.form.prefill(&fields, identity);
            self.shared_fields = self.form.fill_shared(&fields, &self.platform);
        }
        self.advance(Step::Form);
        Ok(())
    }

    pub fn set_field(&mut self, key: &str, value: &str) -> Result<(), SessionError> {
        self.expect(Step::Form)?;
        if self.shared_fields.contains(key) {
            return Err(SessionError::SharedField);
        }
        self.form.set(key, value);
        // Once the summary is showing, it follows the corrections as they are typed.
        if !self.form_errors.is_empty() {
            self.form_errors = check_form(&self.fields(), &self.form);
        }
        Ok(())
    }

    pub fn submit_form(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Form)?;
        self.form_errors = check_form(&self.fields(), &self.form);
        if !self.form_errors.is_empty() {
            return Err(SessionError::Form(self.form_errors.clone()));
        }
        let next = self.step_after(Step::Form);
        self.advance(next);
        Ok(())
    }

    pub fn add_page(&mut self, material: &str, jpeg: Vec<u8>) -> Result<(), SessionError> {
        self.expect(Step::Capture)?;
        self.capturable(material)?;
        self.deferred.remove(material);
        self.at_window.remove(material);
        self.pages
            .entry(material.to_string())
            .or_default()
            .push(Blob(jpeg));
        Ok(())
    }

    pub fn remove_page(&mut self, material: &str, index: usize) -> Result<(), SessionError> {
        self.expect(Step::Capture)?;
        if let Some(pages) = self.pages.get_mut(material) {
            if index < pages.len() {
                pages.remove(index);
            }
        }
        Ok(())
    }

    /// 容缺: the applicant will bring this material later (only where the catalog allows it).
    pub fn set_deferred(&mut self, material: &str, deferred: bool) -> Result<(), SessionError> {
        self.expect(Step::Capture)?;
        let merged = self.capturable(material)?;
        if !deferred {
            self.deferred.remove(material);
        } else if merged.defer_days().is_some() {
            self.at_window.remove(material);
            self.deferred.insert(material.to_string());
        } else {
            return Err(SessionError::NotDeferrable);
        }
        Ok(())
    }

    /// The camera cannot be used: the applicant will hand this material in on paper at the window. Any material
    /// may be handed in so; the screen offers it only when the camera is out of order.
    pub fn set_at_window(&mut self, material: &str, at_window: bool) -> Result<(), SessionError> {
        self.expect(Step::Capture)?;
        self.capturable(material)?;
        if at_window {
            self.deferred.remove(material);
            self.at_window.insert(material.to_string());
        } else {
            self.at_window.remove(material);
        }
        Ok(())
    }

    pub fn confirm_capture(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Capture)?;
        let missing = self.missing_materials();
        if !missing.is_empty() {
            return Err(SessionError::MissingMaterials(missing));
        }
        let next = self.step_after(Step::Capture);
        self.advance(next);
        Ok(())
    }

    pub fn sign(&mut self, item: &str, png: Vec<u8>) -> Result<(), SessionError> {
        self.expect(Step::Commitments)?;
        if !self.commitment_items().iter().any(|i| i == item) {
            return Err(SessionError::WrongStep);
        }
        self.signatures.insert(item.to_string(), Blob(png));
        Ok(())
    }

    pub fn confirm_commitments(&mut self) -> Result<(), SessionError> {
        self.expect(Step::Commitments)?;
        let unsigned = self.unsigned_items();
        if !unsigned.is_empty() {
            return Err(SessionError::Unsigned(unsigned));
        }
        self.advance(Step::Delivery);
        Ok(())
    }

    pub fn set_delivery(&mut self, delivery: Delivery) -> Result<(), SessionError> {
        self.expect(Step::Delivery)?;
        if delivery.method == DeliveryMethod::Post
            && delivery
                .address
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
        {
            return Err(SessionError::NoAddress);
        }
        self.delivery = Some(delivery);
        self.advance(Step::CheckAnswers);
        Ok(())
    }

    /// 修改 on the check-answers page: go to `step`; finishing it comes back here.
    pub fn change(&mut self, step: Step) -> Result<(), SessionError> {
        self.expect(Step::CheckAnswers)?;
        if matches!(
            step,
            Step::Home
                | Step::Identify
                | Step::Consent
                | Step::FaceConsent
                | Step::FaceCheck
                | Step::CheckAnswers
                | Step::Done
                | Step::Guide
        ) {
            return Err(SessionError::WrongStep);
        }
        self.returning_to_check = true;
        self.go(step);
        Ok(())
    }

    /// 提交申请. The application is complete; the caller turns it into a package.
    pub fn submit(&mut self) -> Result<(), SessionError> {
        self.expect(Step::CheckAnswers)?;
        if let Some(step) = self.first_incomplete() {
            self.go(step);
            return Err(SessionError::WrongStep);
        }
        self.history.clear();
        self.step = Step::Done;
        Ok(())
    }

    /// Back to the previous screen. At Home, and after submitting, there is nowhere to go back to.
    pub fn back(&mut self) {
        if self.step == Step::Done {
            return;
        }
        if let Some(previous) = self.history.pop() {
            if previous == Step::CheckAnswers || previous == Step::Home {
                self.returning_to_check = false;
            }
            self.step = previous;
        }
    }

    // ----- time and the end of a visit -----

    pub fn touch(&mut self, now: Instant) {
        self.idle.touch(now);
    }

    /// How long nobody has touched the screen (since the last touch, or since this session began).
    pub fn untouched_for(&self, now: Instant) -> std::time::Duration {
        self.idle.untouched_for(now)
    }

    /// New idle limits (technician mode), for this visit and the ones after it.
    pub fn set_idle_policy(&mut self, policy: IdlePolicy) {
        self.idle_policy = policy;
    }

    /// What the idle timeout says now. Home has no timeout: there is nothing to protect.
    pub fn idle_state(&self, now: Instant) -> IdleState {
        if self.step == Step::Home {
            return IdleState::Active;
        }
        self.idle
            .state(now, &self.idle_policy, self.step == Step::Capture)
    }

    /// Ends the visit: every personal datum is dropped (and zeroed), and the path starts again at Home.
    pub fn end(&mut self, now: Instant) {
        let catalog = Arc::clone(&self.catalog);
        *self = Session::new(catalog, self.idle_policy, now).with_face_check(self.face_check);
    }

    /// Whether anything personal is held. False after [`Session::end`].
    pub fn holds_personal_data(&self) -> bool {
        self.identity.is_some()
            || !matches!(self.platform.lookup, Lookup::NotAsked)
            || self.form.iter().next().is_some()
            || !self.pages.is_empty()
            || !self.signatures.is_empty()
            || self.delivery.is_some()
    }

    // ----- progress for the step indicator -----

    /// The stages of the path that apply to this application, as the step indicator names them, and the index
    /// of the current one.
    pub fn progress(&self) -> (Vec<&'static str>, usize) {
        let mut stages = vec![(Step::Identify, "读取身份证"), (Step::Consent, "授权查询")];
        if self.face_check != FaceCheck::Off {
            stages.push((Step::FaceCheck, "人脸核验"));
        }
        stages.push((Step::Choose, "选择事项"));
        if self.one_thing().is_some_and(|t| !t.questions.is_empty()) {
            stages.push((Step::Question(0), "办理情形"));
        }
        stages.push((Step::Items, "选择联办事项"));
        if self
            .one_thing()
            .is_some_and(|t| t.target == crate::catalog::Target::Organisation)
        {
            stages.push((Step::Role, "办理身份"));
        }
        stages.extend([(Step::Notice, "一次告知"), (Step::Form, "填写表单")]);
        if self.materials().iter().any(|m| !m.is_exempt()) {
            stages.push((Step::Capture, "拍摄材料"));
        }
        if !self.commitment_items().is_empty() {
            stages.push((Step::Commitments, "签署承诺"));
        }
        stages.extend([
            (Step::Delivery, "领取方式"),
            (Step::CheckAnswers, "核对信息"),
            (Step::Done, "完成"),
        ]);
        let current = match self.step {
            Step::Question(_) => Step::Question(0),
            Step::FaceConsent => Step::FaceCheck,
            step => step,
        };
        let index = stages.iter().position(|(s, _)| *s == current).unwrap_or(0);
        (stages.into_iter().map(|(_, name)| name).collect(), index)
    }

    // ----- helpers -----

    fn expect(&self, step: Step) -> Result<(), SessionError> {
        if self.step == step {
            Ok(())
        } else {
            Err(SessionError::WrongStep)
        }
    }

    fn go(&mut self, next: Step) {
        self.history.push(self.step);
        self.step = next;
    }

    /// Forward from a finished step: the next one in order, or back to check answers after a change once
    /// everything is complete again.
    fn advance(&mut self, next: Step) {
        if self.returning_to_check {
            match self.first_incomplete() {
                None => {
                    self.returning_to_check = false;
                    self.go(Step::CheckAnswers);
                }
                Some(step) => self.go(step),
            }
        } else {
            self.go(next);
        }
    }

    /// The catalog (shared, so holding it borrows nothing of `self`) and the index of the chosen one-thing in it.
    fn chosen_thing(&self) -> Result<(Arc<Catalog>, usize), SessionError> {
        let index = self
            .one_thing
            .and_then(|no| self.catalog.one_things.iter().position(|t| t.no == no))
            .ok_or(SessionError::UnknownOneThing)?;
        Ok((Arc::clone(&self.catalog), index))
    }

    fn first_situation_step(&self) -> Step {
        match self.one_thing() {
            Some(thing) if !thing.questions.is_empty() => Step::Question(0),
            _ => Step::Items,
        }
    }

    fn step_after(&self, step: Step) -> Step {
        let needs_capture = self.materials().iter().any(|m| !m.is_exempt());
        let needs_signature = !self.commitment_items().is_empty();
        match step {
            Step::Form if needs_capture => Step::Capture,
            Step::Form | Step::Capture if needs_signature => Step::Commitments,
            _ => Step::Delivery,
        }
    }

    /// The first step whose answers are missing or no longer valid (after a change elsewhere).
    fn first_incomplete(&self) -> Option<Step> {
        let thing = self.one_thing()?;
        if let Some(question) = self.selection.unanswered(thing) {
            let index = thing
                .questions
                .iter()
                .position(|q| q.key == question.key)
                .unwrap_or(0);
            return Some(Step::Question(index));
        }
        if self.chosen().is_empty() {
            return Some(Step::Items);
        }
        if self.role().is_none() {
            return Some(Step::Role);
        }
        if !check_form(&self.fields(), &self.form).is_empty() {
            return Some(Step::Form);
        }
        if !self.missing_materials().is_empty() {
            return Some(Step::Capture);
        }
        if !self.unsigned_items().is_empty() {
            return Some(Step::Commitments);
        }
        if self.delivery.is_none() {
            return Some(Step::Delivery);
        }
        None
    }

    fn capturable(&self, material: &str) -> Result<MergedMaterial, SessionError> {
        self.materials()
            .into_iter()
            .find(|m| m.key == material && !m.is_exempt())
            .ok_or(SessionError::WrongStep)
    }

    fn missing_materials(&self) -> Vec<String> {
        self.materials()
            .into_iter()
            .filter(|m| {
                !m.is_exempt()
                    && self.pages(&m.key).is_empty()
                    && !self.deferred.contains(&m.key)
                    && !self.at_window.contains(&m.key)
            })
            .map(|m| m.name)
            .collect()
    }

    fn unsigned_items(&self) -> Vec<String> {
        self.commitment_items()
            .into_iter()
            .filter(|item| !self.signatures.contains_key(item))
            .collect()
    }

    /// Forgets what the platform answered and what followed from it: its licences, the fields it filled (their
    /// values too), licences shown, and who applies.
    fn forget_platform(&mut self) {
        self.platform.lookup = Lookup::NotAsked;
        self.platform.role = None;
        self.platform.shown.clear();
        for key in std::mem::take(&mut self.shared_fields) {
            self.form.remove(&key);
        }
    }

    /// Forgets the choices made for a one-thing (another one was picked).
    fn clear_application(&mut self) {
        self.selection = Selection::default();
        self.form = FormValues::default();
        self.form_errors.clear();
        self.pages.clear();
        self.deferred.clear();
        self.at_window.clear();
        self.signatures.clear();
        self.delivery = None;
        // What the platform said was for the items of the one-thing left behind, and so is who applies.
        self.forget_platform();
    }
}
