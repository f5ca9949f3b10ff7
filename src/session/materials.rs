//! One set of materials (一套材料): the materials of the chosen joint items merged, each asked for once.

use crate::catalog::{Catalog, Material, MaterialForm};

use super::selection::ChosenItem;

/// What the applicant does with a material. A licence's number is zeroed when dropped and never printed by
/// `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub enum Treatment {
    /// Photographed at the kiosk; `defer_days` is set when it may instead be brought later (容缺).
    Capture { defer_days: Option<u32> },
    /// Not asked for, and why.
    Exempt { reason: String },
    /// Not asked for: a licence the platform confirmed for this applicant proves it.
    Licence {
        reason: String,
        licence_type: String,
        number: String,
    },
}

impl Drop for Treatment {
    fn drop(&mut self) {
        if let Treatment::Licence { number, .. } = self {
            zeroize::Zeroize::zeroize(number);
        }
    }
}

impl std::fmt::Debug for Treatment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Treatment::Capture { defer_days } => f
                .debug_struct("Capture")
                .field("defer_days", defer_days)
                .finish(),
            Treatment::Exempt { reason } => {
                f.debug_struct("Exempt").field("reason", reason).finish()
            }
            Treatment::Licence { licence_type, .. } => f
                .debug_struct("Licence")
                .field("licence_type", licence_type)
                .finish_non_exhaustive(),
        }
    }
}

/// One line of the one-time notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedMaterial {
    pub key: String,
    pub name: String,
    pub form: MaterialForm,
    /// The most copies any of the items asks for: one set serves them all.
    pub copies: u32,
    pub source: String,
    pub treatment: Treatment,
    /// The joint items that need it.
    pub for_items: Vec<String>,
    pub sample: bool,
    /// Why a material the platform could have proved is asked for after all (not found, expired, no consent).
    pub note: Option<String>,
}

impl Treatment {
    /// Photographed, or brought later where the catalog allows it.
    pub fn capture(material: &Material) -> Treatment {
        Treatment::Capture {
            defer_days: material.defer_days.filter(|_| material.deferrable),
        }
    }
}

impl MergedMaterial {
    /// `material`'s line of the notice, for `item`.
    pub fn of(material: &Material, treatment: Treatment, item: String) -> MergedMaterial {
        MergedMaterial {
            key: material.key.clone(),
            name: material.name.clone(),
            form: material.form,
            copies: material.copies,
            source: material.source.clone(),
            treatment,
            for_items: vec![item],
            sample: material.sample,
            note: None,
        }
    }

    pub fn is_exempt(&self) -> bool {
        self.exempt_reason().is_some()
    }

    /// Why it is not asked for, when it is not.
    pub fn exempt_reason(&self) -> Option<&str> {
        match &self.treatment {
            Treatment::Exempt { reason } | Treatment::Licence { reason, .. } => Some(reason),
            Treatment::Capture { .. } => None,
        }
    }

    pub fn defer_days(&self) -> Option<u32> {
        match self.treatment {
            Treatment::Capture { defer_days } => defer_days,
            Treatment::Exempt { .. } | Treatment::Licence { .. } => None,
        }
    }
}

/// The chosen items' materials, each once, in the order they first appear. Query items add nothing.
pub fn merge(catalog: &Catalog, chosen: &[ChosenItem]) -> Vec<MergedMaterial> {
    let mut merged: Vec<MergedMaterial> = Vec::new();
    for chosen_item in chosen {
        for key in &chosen_item.item.materials {
            let Some(material) = catalog.materials.get(key) else {
                continue;
            };
            let item_name = chosen_item.item.name.clone();
            if let Some(existing) = merged.iter_mut().find(|m| &m.key == key) {
                existing.copies = existing.copies.max(material.copies);
                if !existing.for_items.contains(&item_name) {
                    existing.for_items.push(item_name);
                }
                continue;
            }
            let treatment = match (material.exempt.reason(), &material.exempt_note) {
                (Some(_), Some(note)) => Treatment::Exempt {
                    reason: note.clone(),
                },
                (Some(standard), None) => Treatment::Exempt {
                    reason: standard.to_string(),
                },
                (None, _) => Treatment::capture(material),
            };
            merged.push(MergedMaterial::of(material, treatment, item_name));
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::selection::Selection;
    use crate::session::test_support::catalog;

    fn merged_for(no: u32, untick: &[usize]) -> Vec<MergedMaterial> {
        let catalog = catalog();
        let thing = catalog.one_thing(no).unwrap();
        let mut selection = Selection::default();
        for &row in untick {
            selection.set_ticked(thing, row, false).unwrap();
        }
        merge(&catalog, &selection.chosen(&catalog, thing).unwrap())
    }

    #[test]
    fn shared_materials_appear_once_with_every_item_that_needs_them() {
        let merged = merged_for(35, &[]);
        let keys: Vec<&str> = merged.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "id_card",
                "business_licence",
                "lease_contract",
                "food_safety_rules",
                "site_floor_plan",
                "sign_design"
            ]
        );
        let licence = merged.iter().find(|m| m.key == "business_licence").unwrap();
        assert_eq!(licence.for_items.len(), 3, "{:?}", licence.for_items);
        let id_card = merged.iter().find(|m| m.key == "id_card").unwrap();
        assert_eq!(id_card.for_items.len(), 4);
    }

    #[test]
    fn exemptions_carry_their_reasons() {
        let merged = merged_for(35, &[]);
        let reason = |key: &str| {
            merged
                .iter()
                .find(|m| m.key == key)
                .unwrap()
                .exempt_reason()
                .map(String::from)
        };
        assert_eq!(
            reason("id_card").as_deref(),
            Some("已从身份证芯片读取，无需提交")
        );
        assert_eq!(
            reason("business_licence").as_deref(),
            Some("可通过电子证照核验，无需提交")
        );
        assert_eq!(reason("food_safety_rules"), None);
    }

    #[test]
    fn a_custom_note_replaces_the_standard_reason() {
        let catalog = catalog();
        let thing = catalog.one_thing(20).unwrap();
        let mut selection = Selection::default();
        selection.answer(thing, "site", "自有场地").unwrap();
        let merged = merge(&catalog, &selection.chosen(&catalog, thing).unwrap());
        let property = merged
            .iter()
            .find(|m| m.key == "property_certificate")
            .unwrap();
        assert_eq!(
            property.treatment,
            Treatment::Exempt {
                reason: "由不动产登记中心共享，无需提交".into()
            }
        );
        let lease = merged.iter().find(|m| m.key == "lease_contract").unwrap();
        assert_eq!(
            lease.for_items,
            vec!["食品（含保健食品）经营许可核发"],
            "the owned site's approval needs no lease"
        );
    }

    #[test]
    fn deferrable_materials_keep_their_deadline() {
        let merged = merged_for(35, &[]);
        let lease = merged.iter().find(|m| m.key == "lease_contract").unwrap();
        assert_eq!(lease.defer_days(), Some(5));
        assert_eq!(lease.copies, 2);
        assert_eq!(
            merged
                .iter()
                .find(|m| m.key == "food_safety_rules")
                .unwrap()
                .defer_days(),
            None
        );
    }

    #[test]
    fn unticked_items_drop_their_own_materials() {
        // Without the advertising approval (row 2) the sign design is not asked for.
        let merged = merged_for(35, &[2]);
        assert!(merged.iter().all(|m| m.key != "sign_design"));
        // Without the food licence, the lease goes too: no other chosen item needs it.
        let merged = merged_for(35, &[0]);
        assert!(merged
            .iter()
            .all(|m| m.key != "lease_contract" && m.key != "food_safety_rules"));
    }

    #[test]
    fn query_items_ask_for_nothing() {
        let merged = merged_for(57, &[1, 2]);
        assert!(merged.is_empty(), "{merged:?}");
    }
}
